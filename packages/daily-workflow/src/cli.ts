#!/usr/bin/env node
import { runMain, runProgram } from '@obs-automation/core';
import { dailyJob } from './daily-job.js';

await runMain((signal) => runProgram({ job: 'daily', main: dailyJob }, process.argv.slice(2), { signal }));
