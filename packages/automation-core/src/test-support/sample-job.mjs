#!/usr/bin/env node
// A minimal job on the real harness, for the core's process-level tests.
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { JobError, parseJsonBounded, readBoundedFile, runJob, runMain } from '../../dist/index.js';

const definition = {
  name: 'sample',
  binary: 'sample-job',
  description: 'exercises the job runner harness',
  examples: ['sample-job --sleep-ms 100'],
  options: [
    {
      flag: '--sleep-ms',
      value: '<ms>',
      description: 'how long the body runs',
      defaultValue: 0,
      schema: z.coerce.number().int().min(0),
    },
    {
      flag: '--fail-with',
      value: '<code>',
      description: 'throw a JobError with this code',
      schema: z.string(),
    },
    { flag: '--throw', description: 'throw a plain Error', schema: z.boolean() },
    {
      flag: '--artefact-count',
      value: '<n>',
      description: 'artefacts to list',
      defaultValue: 1,
      schema: z.coerce.number().int().min(0),
    },
    {
      flag: '--read-unguarded',
      value: '<path>',
      description: 'read a file with a plain readFile, as a read site without the core primitives does',
      schema: z.string(),
    },
    {
      flag: '--read-input',
      value: '<path>',
      description: 'read a JSON input through readBoundedFile and parseJsonBounded',
      schema: z.string(),
    },
    {
      flag: '--note',
      value: '<text>',
      description: 'free text recorded in the command line (for masking tests)',
      schema: z.string(),
    },
    {
      flag: '--show-command',
      description: "put the run context's command in the summary",
      schema: z.boolean(),
    },
    {
      flag: '--lock-file',
      value: '<path>',
      description: 'job lock',
      defaultValue: 'ops/.sample.lock',
      schema: z.string(),
    },
    {
      flag: '--heartbeat-file',
      value: '<path>',
      description: 'heartbeat',
      defaultValue: 'ops/sample_heartbeat.json',
      schema: z.string(),
    },
  ],
  config: {
    defaultPath: 'configs/sample.yaml',
    schema: z.strictObject({
      sleep_ms: z.number().int().min(0).optional(),
      nested: z.strictObject({ flag: z.boolean() }).optional(),
    }),
  },
  lockFile: (options) => options.lock_file,
  heartbeatFile: (options) => options.heartbeat_file,
  finalize: ({ values }) => values,
  async run(options, context) {
    const until = Date.now() + options.sleep_ms;
    while (Date.now() < until) {
      context.checkpoint();
      await sleep(Math.min(20, until - Date.now()));
    }
    context.checkpoint();
    if (options.read_unguarded) await readFile(context.resolvePath(options.read_unguarded));
    if (options.read_input) {
      const bytes = await readBoundedFile(context.resolvePath(options.read_input), {
        kind: 'json_input',
        shown: options.read_input,
      });
      if (bytes) parseJsonBounded(bytes, { what: 'input', file: options.read_input });
    }
    if (options.fail_with)
      throw new JobError(options.fail_with, `failed on purpose with ${options.fail_with}`);
    if (options.throw) throw new Error('unexpected failure');
    return {
      status: 'ok',
      artefacts: Array.from(
        { length: options.artefact_count },
        (_, index) => `out/sample/artefact-${index}-${'x'.repeat(40)}.json`,
      ),
      summary: { slept_ms: options.sleep_ms, ...(options.show_command ? { command: context.command } : {}) },
      heartbeat: { custom: 'kept' },
    };
  },
};

await runMain((signal) => runJob(definition, process.argv.slice(2), { signal }));
