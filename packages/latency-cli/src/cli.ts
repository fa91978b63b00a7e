#!/usr/bin/env node
import { runMain, runProgram } from '@obs-automation/core';
import { latencyJob } from './latency-job.js';

await runMain((signal) =>
  runProgram(
    {
      job: 'latency',
      main: latencyJob,
      // Loaded only for the subcommand, keeping the job's start-up short.
      subcommands: {
        record: async () => (await import('./record-command.js')).recordCommand,
        'compact-archives': async () => (await import('./compaction/compact-command.js')).compactCommand,
      },
    },
    process.argv.slice(2),
    { signal },
  ),
);
