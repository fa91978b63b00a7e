import { removedFlag, renamedFlag, WORKSPACE_LAYOUT } from '@obs-automation/core';

/** Flags of the earlier scripts/analyze_signal_latency.py that obs-latency maps (docs/migration.md). */
export const LATENCY_EARLIER_FLAGS = [
  renamedFlag('--out-json', '--json-out'),
  removedFlag(
    '--slo-threshold',
    `set slo_p95_ms in the --alert-config file (${WORKSPACE_LAYOUT.latencyAlertConfig}), in milliseconds where the flag took seconds`,
  ),
  removedFlag(
    '--failure-threshold',
    `set failure_rate_threshold in the --alert-config file (${WORKSPACE_LAYOUT.latencyAlertConfig})`,
  ),
  removedFlag(
    '--out-csv',
    `the per-window rollup goes to --rollup-output (${WORKSPACE_LAYOUT.latencyRollup})`,
  ),
];
