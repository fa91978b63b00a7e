#!/usr/bin/env node
import { runJob, runMain } from '@obs-automation/core';
import { dashboardJob } from './dashboard-job.js';

await runMain((signal) => runJob(dashboardJob, process.argv.slice(2), { signal }));
