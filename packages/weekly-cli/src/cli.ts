#!/usr/bin/env node
import { runJob, runMain } from '@obs-automation/core';
import { weeklyJob } from './weekly-job.js';

await runMain((signal) => runJob(weeklyJob, process.argv.slice(2), { signal }));
