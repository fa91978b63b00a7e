#!/usr/bin/env node
import { runMain, runProgram, withSharedReads } from '@obs-automation/core';
import { dailyJob } from './daily-job.js';

// The chain's jobs read several inputs in common: each is read once (see withSharedReads).
await runMain((signal) =>
  withSharedReads(() => runProgram({ job: 'daily', main: dailyJob }, process.argv.slice(2), { signal })),
);
