import { removedFlag, renamedFlag, WORKSPACE_LAYOUT } from '@obs-automation/core';

/** Flags of the earlier analysis/export_dashboard_data.py that obs-dashboard maps (docs/migration.md). */
export const DASHBOARD_EARLIER_FLAGS = [
  renamedFlag('--ev-limit', '--ev-history-limit'),
  removedFlag(
    '--archive-dir',
    'name the state exports with --state-archive-root and --strategy, --symbol, --mode (the earlier folder was <root>/<strategy>/<symbol>/<mode>)',
    'dashboard-archive-dir',
  ),
  removedFlag(
    '--out-json',
    `the datasets go to --output-dir (${WORKSPACE_LAYOUT.dashboardOutDir}/<dataset>.json) beside manifest.json; --json-out writes the run summary`,
    'dashboard-out-json',
  ),
];
