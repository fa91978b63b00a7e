#!/usr/bin/env node
// A minimal job on the real harness, for the core's process-level tests.
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { jobConfigSchema } from '../../dist/command-line/option-config-schema.js';
import * as z from '../../dist/configured-zod.js';
import {
  count,
  defineOptions,
  flag,
  JobError,
  parseJsonBounded,
  path,
  readBoundedFile,
  runJob,
  runMain,
  text,
} from '../../dist/index.js';

const options = defineOptions({
  sleepMs: count('how long the body runs', { value: '<ms>', default: 0 }),
  failWith: text('throw a JobError with this code', { value: '<code>' }),
  throw: flag('throw a plain Error'),
  artefactCount: count('artefacts to list', { default: 1 }),
  readUnguarded: text('read a file with a plain readFile, as a read site without the core primitives does', {
    value: '<path>',
  }),
  readInput: text('read a JSON input through readBoundedFile and parseJsonBounded', { value: '<path>' }),
  note: text('free text recorded in the command line (for masking tests)', { value: '<text>' }),
  showCommand: flag("put the run context's command in the summary"),
  lockFile: path('job lock', { default: 'ops/.sample.lock' }),
  heartbeatFile: path('heartbeat', { default: 'ops/sample_heartbeat.json' }),
});

const definition = {
  name: 'sample',
  binary: 'sample-job',
  description: 'exercises the job runner harness',
  examples: ['sample-job --sleep-ms 100'],
  options,
  config: {
    defaultPath: 'configs/sample.yaml',
    loadSchema: async () =>
      jobConfigSchema([options], { nested: z.strictObject({ flag: z.boolean() }).optional() }),
  },
  lockFile: (values) => values.lockFile,
  heartbeatFile: (values) => values.heartbeatFile,
  async run(values, context) {
    const until = Date.now() + values.sleepMs;
    while (Date.now() < until) {
      context.checkpoint();
      await sleep(Math.min(20, until - Date.now()));
    }
    context.checkpoint();
    if (values.readUnguarded) await readFile(context.resolvePath(values.readUnguarded));
    if (values.readInput) {
      const bytes = await readBoundedFile(context.resolvePath(values.readInput), {
        kind: 'json_input',
        shown: values.readInput,
      });
      if (bytes) parseJsonBounded(bytes, { what: 'input', file: values.readInput });
    }
    if (values.failWith) throw new JobError(values.failWith, `failed on purpose with ${values.failWith}`);
    if (values.throw) throw new Error('unexpected failure');
    return {
      status: 'ok',
      artefacts: Array.from(
        { length: values.artefactCount },
        (_, index) => `out/sample/artefact-${index}-${'x'.repeat(40)}.json`,
      ),
      summary: { slept_ms: values.sleepMs, ...(values.showCommand ? { command: context.command } : {}) },
      heartbeat: { custom: 'kept' },
    };
  },
};

await runMain((signal) => runJob(definition, process.argv.slice(2), { signal }));
