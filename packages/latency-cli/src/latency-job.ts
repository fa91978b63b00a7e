import type { JobDefinition } from '@obs-automation/core';
import { alertConfigDump, latencyRouting } from './alerts/alert-routing.js';
import { LATENCY_EARLIER_FLAGS } from './earlier-flags.js';
import type { LatencyConfig } from './latency-config.js';
import { latencyMetrics } from './latency-metrics.js';
import {
  finalizeLatencyOptions,
  LATENCY_CONFIG,
  LATENCY_OPTIONS,
  type LatencyOptions,
  RECORD_COMMAND_NAME,
} from './latency-options.js';
import { latencySummaryFacts } from './latency-summary-facts.js';

/** obs-latency: probe, rotate and archive raw samples, roll up per window, alert on SLO breach streaks. */
export const latencyJob: JobDefinition<typeof LATENCY_OPTIONS.declarations, LatencyOptions, LatencyConfig> = {
  name: 'latency',
  description:
    'Samples signal latency, archives old raw samples, writes per-window p50/p95/p99 rollups and notifies on SLO breach streaks.',
  examples: [
    'obs-latency --now 2026-07-06T00:15:00Z',
    'obs-latency --window 15m --dry-run',
    'obs-latency record --source router_demo --latency-ms 412',
  ],
  options: LATENCY_OPTIONS,
  flagMigrations: LATENCY_EARLIER_FLAGS,
  config: LATENCY_CONFIG,
  describeSummary: latencySummaryFacts,
  lockFile: (options) => options.lockFile,
  // Samples fed by `record` while a run starts must not make it skip: it waits for them.
  lockWait: (options) => ({ seconds: options.lockWaitSeconds, whileHeldBy: [RECORD_COMMAND_NAME] }),
  heartbeatFile: (options) => options.heartbeatFile,
  metrics: latencyMetrics,
  finalize: finalizeLatencyOptions,
  notificationRouting: (options) => latencyRouting(options.alert, options.alertConfigPath),
  carriedAlerts: async (options, heartbeat) =>
    (await import('./alerts/carried-alert-state.js')).carriedLatencyAlerts(options, heartbeat),
  configDump: (options, dump) => ({ ...dump, alert: alertConfigDump(options) }),
  // The body and its validators load when a run starts: --help and --config-dump never pay for them.
  run: async (options, context) => (await import('./latency-run.js')).runLatency(options, context),
};
