import type { JobDefinition } from '@obs-automation/core';
import type { DashboardConfig } from './dashboard-config.js';
import { dashboardMetrics } from './dashboard-metrics.js';
import {
  DASHBOARD_CONFIG,
  DASHBOARD_OPTIONS,
  type DashboardOptions,
  finalizeDashboardOptions,
} from './dashboard-options.js';
import { dashboardSummaryFacts } from './dashboard-summary-facts.js';
import { DASHBOARD_EARLIER_FLAGS } from './earlier-flags.js';

/** obs-dashboard: dashboard datasets with a sequenced, checksummed manifest, history and upload hook. */
export const dashboardJob: JobDefinition<
  typeof DASHBOARD_OPTIONS.declarations,
  DashboardOptions,
  DashboardConfig
> = {
  name: 'dashboard',
  describeSummary: dashboardSummaryFacts,
  description:
    'Exports the dashboard datasets (ev_history, slippage, turnover, latency) with a sequenced, checksummed manifest, keeps an 8-week history and runs the upload hook.',
  examples: [
    'obs-dashboard --dry-run',
    'obs-dashboard --dataset ev_history --dataset slippage --strategy day_orb_5m.DayORB5m',
    'obs-dashboard --upload-command \'aws s3 sync "$OBS_DASHBOARD_DIR" s3://bucket/dashboard/\'',
  ],
  options: DASHBOARD_OPTIONS,
  flagMigrations: DASHBOARD_EARLIER_FLAGS,
  config: DASHBOARD_CONFIG,
  lockFile: (options) => options.lockFile,
  heartbeatFile: (options) => options.heartbeatFile,
  metrics: dashboardMetrics,
  finalize: finalizeDashboardOptions,
  // The export and its validators load when a run starts: --help never pays for them.
  run: async (options, context) =>
    (await import('./dashboard-export.js')).runDashboardExport(options, context),
};
