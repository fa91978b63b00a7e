import type { JobDefinition } from '@obs-automation/core';
import { VERIFY_EARLIER_FLAGS } from './earlier-flags.js';
import { verifyMetrics } from './verify-metrics.js';
import { finalizeVerifyOptions, VERIFY_OPTIONS, type VerifyOptions } from './verify-options.js';
import { verifySummaryFacts } from './verify-summary-facts.js';

/** The `obs-verify` default command. */
export const verifyJob: JobDefinition<typeof VERIFY_OPTIONS.declarations, VerifyOptions> = {
  name: 'verify',
  describeSummary: verifySummaryFacts,
  description: [
    'Verifies the run log (schema, line size, sequence), the job heartbeats, that the weekly report is',
    'not overdue, the dashboard bundle',
    'and, with --job-id <id>, one job or obs-daily chain end to end (entries, artefacts, checksums).',
    'Here --job-id names the job to trace; the verification run gets its own id.',
  ].join(' '),
  examples: [
    'obs-verify',
    'obs-verify --job-id 20251006T000000Z-daily --require-job-entry',
    'obs-verify --check-secrets --secret OBS_WEEKLY_WEBHOOK_URL --secret OBS_WEBHOOK_SECRET',
    'obs-verify --since 2025-10-01T00:00:00Z --max-heartbeat-age-hours 2 --now 2025-10-06T12:00:00Z',
  ],
  options: VERIFY_OPTIONS,
  flagMigrations: VERIFY_EARLIER_FLAGS,
  lockFile: (options) => options.lockFile,
  heartbeatFile: (options) => options.heartbeatFile,
  logFile: (options) => options.checkLog,
  metrics: verifyMetrics,
  finalize: finalizeVerifyOptions,
  // The checks and their validators load when a run starts: --help never pays for them.
  run: async (options, context) => (await import('./verify-run.js')).runVerification(options, context),
};
