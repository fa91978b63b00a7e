#!/usr/bin/env node
import { runMain, runProgram } from '@obs-automation/core';
import { verifyJob } from './verify-job.js';

await runMain((signal) =>
  runProgram(
    {
      job: 'verify',
      main: verifyJob,
      subcommands: {
        bundle: async () => (await import('./bundle/bundle-job.js')).bundleJob,
        'rebuild-log': async () => (await import('./rebuild/rebuild-log-job.js')).rebuildLogJob,
        kpi: async () => (await import('./kpi/kpi-command.js')).kpiCommand,
      },
    },
    process.argv.slice(2),
    { signal },
  ),
);
