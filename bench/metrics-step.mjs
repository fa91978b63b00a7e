#!/usr/bin/env node
// The harness's metrics step timed in-process: a job run's summary → its textfile, replaced
// `runs` times (lock, read of the previous file, merge, atomic replace), as every job run does
// after its log entry. Writes the median and p90 in ms to <dir>/metrics-step.json.
// Usage: node bench/metrics-step.mjs <dir> [runs]
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { recordRunMetrics } from '../packages/automation-core/dist/index.js';
import { latencyMetrics } from '../packages/latency-cli/dist/latency-metrics.js';

const [dir, runsText = '200'] = process.argv.slice(2);
const runs = Number(runsText);
const summary = {
  status: 'warning',
  duration_ms: 120,
  attempts: 1,
  log_sequence: 0,
  latest_window: '2026-11-24T11:00:00Z',
  latest_p95_ms: 6240.5,
  latest_failure_rate: 0.0125,
  breach_streak: 3,
  alert_state: { severity: 'critical' },
  diagnostics: {},
};
const times = [];
for (let run = 0; run < runs; run += 1) {
  const started = performance.now();
  const result = await recordRunMetrics(
    { ...summary, log_sequence: run + 1 },
    {
      metricsDir: join(dir, 'metrics'),
      relativePath: (path) => relative(dir, path),
      jobName: 'latency',
      now: new Date(Date.parse('2026-11-24T12:10:00Z') + run * 900_000),
      domain: (logged) => latencyMetrics({ summary: logged, heartbeat: { pending_alerts: 0 } }),
    },
  );
  times.push(performance.now() - started);
  if (result.status !== 'warning' || !result.metrics_file)
    throw new Error(`metrics step failed: ${JSON.stringify(result)}`);
}
times.sort((a, b) => a - b);
const at = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
writeFileSync(join(dir, 'metrics-step.json'), JSON.stringify({ runs, median_ms: at(0.5), p90_ms: at(0.9) }));
