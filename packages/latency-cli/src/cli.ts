#!/usr/bin/env node
import { runJob, runMain } from '@obs-automation/core';
import { latencyJob } from './latency-job.js';

const argv = process.argv.slice(2);
await runMain(async (signal) => {
  if (argv[0] !== 'record') return runJob(latencyJob, argv, { signal });
  // Loaded only for the subcommand, keeping the job's start-up short.
  const { runRecord } = await import('./record-command.js');
  return runRecord(argv.slice(1));
});
