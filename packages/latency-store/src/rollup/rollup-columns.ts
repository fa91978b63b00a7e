/**
 * The columns of the latency rollup CSV (`ops/signal_latency_rollup.csv`) in file order:
 * obs-latency writes them, obs-weekly and obs-dashboard read them.
 */
export const LATENCY_ROLLUP_COLUMNS = [
  'hour_utc',
  'window_end_utc',
  'count',
  'failure_count',
  'failure_rate',
  'p50_ms',
  'p95_ms',
  'p99_ms',
  'max_ms',
  'breach_flag',
  'breach_streak',
] as const;
