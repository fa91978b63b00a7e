#!/usr/bin/env node
import { runMain, runProgram } from '@obs-automation/core';
import { weeklyJob } from './weekly-job.js';

await runMain((signal) => runProgram({ job: 'weekly', main: weeklyJob }, process.argv.slice(2), { signal }));
