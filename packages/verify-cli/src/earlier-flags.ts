import { dryRunRefused, removedFlag, renamedFlag } from '@obs-automation/core';

/** Flags of the earlier scripts/verify_observability_job.py that obs-verify maps (docs/migration.md). */
export const VERIFY_EARLIER_FLAGS = [
  renamedFlag('--heartbeat-max-age-hours', '--max-heartbeat-age-hours'),
  removedFlag(
    '--skip-log-check',
    'obs-verify always checks the run log it records its own entry in; --since <ISO> limits the check to recent entries',
  ),
  removedFlag(
    '--require-check',
    'obs-verify always runs its checks (log, sequence, heartbeats, dashboard manifest): drop the flag',
  ),
  dryRunRefused(
    'obs-verify changes nothing it checks and only appends its own entry to the run log: run it as it is',
  ),
];

export const BUNDLE_EARLIER_FLAGS = [
  dryRunRefused('obs-verify bundle changes nothing it checks and only appends its own entry to the run log'),
];

export const REBUILD_LOG_EARLIER_FLAGS = [
  dryRunRefused(
    'obs-verify rebuild-log changes nothing without --apply: it writes the rebuilt log to --output only',
  ),
];

export const KPI_EARLIER_FLAGS = [
  dryRunRefused('obs-verify kpi only reads the run log and writes its report: run it as it is'),
];
