#!/usr/bin/env node
// A minimal job on the real harness, for the core's process-level tests.
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import {
  count,
  defineOptions,
  flag,
  JobError,
  jobConfigSchema,
  path,
  runJob,
  runMain,
  text,
} from '../../dist/index.js';

const options = defineOptions({
  sleepMs: count('how long the body runs', { value: '<ms>', default: 0 }),
  failWith: text('throw a JobError with this code', { value: '<code>' }),
  throw: flag('throw a plain Error'),
  artefactCount: count('artefacts to list', { default: 1 }),
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
    schema: jobConfigSchema([options], { nested: z.strictObject({ flag: z.boolean() }).optional() }),
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
    if (values.failWith) throw new JobError(values.failWith, `failed on purpose with ${values.failWith}`);
    if (values.throw) throw new Error('unexpected failure');
    return {
      status: 'ok',
      artefacts: Array.from(
        { length: values.artefactCount },
        (_, index) => `out/sample/artefact-${index}-${'x'.repeat(40)}.json`,
      ),
      summary: { slept_ms: values.sleepMs },
      heartbeat: { custom: 'kept' },
    };
  },
};

await runMain((signal) => runJob(definition, process.argv.slice(2), { signal }));
