#!/usr/bin/env node
import { runMain, runProgram } from '@obs-automation/core';
import { dashboardJob } from './dashboard-job.js';

await runMain((signal) =>
  runProgram({ job: 'dashboard', main: dashboardJob }, process.argv.slice(2), { signal }),
);
