// Seeded generator of run-log lines with the chain's entry kinds: every 15 minutes a latency,
// weekly, dashboard and obs-daily entry (children with parent_job_id), nightly an obs-verify
// entry, with the summaries' delivery fields (weekly webhook, latency notifications, dashboard
// upload), latency breach alerts, failures, skipped runs and retries at steady rates. Used by the
// kpi-1m benchmark. The same seed and count give the same lines.
import { seededRandom } from './sample-workspace.mjs';

const CHAIN_MS = 15 * 60_000;
const CONTEXT = { commit_sha: 'bench', environment: 'production', scheduler: 'cron' };

const stampOf = (ms) =>
  new Date(ms)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');

/**
 * `entries` JSON lines, chains 15 minutes apart up to `anchorMs`, sequences 1..entries. Each chain writes its
 * children first, then its own entry, as obs-daily does.
 */
export function* runLogLines({ anchorMs, seed, entries }) {
  const random = seededRandom(seed);
  // about 4 entries a chain, a few more on nightly verification; the loop stops at `entries`
  const chains = Math.ceil(entries / 3.9);
  let sequence = 0;
  let breachLeft = 0;
  const line = (fields) => {
    sequence += 1;
    const at = new Date(fields.atMs).toISOString();
    const { atMs, job, ...rest } = fields;
    return JSON.stringify({
      job_id: `${stampOf(atMs)}-${job}`,
      job_name: job,
      status: rest.status,
      sequence,
      logged_at: at,
      started_at: at,
      attempts: 1,
      artefacts: [],
      alerts: [],
      diagnostics: {},
      context: CONTEXT,
      ...rest,
    });
  };
  for (let chain = 0; chain < chains && sequence < entries; chain += 1) {
    const atMs = anchorMs - (chains - chain) * CHAIN_MS;
    const parent = `${stampOf(atMs)}-daily`;
    const children = [];

    if (breachLeft === 0 && random() < 0.004) breachLeft = 4 + Math.floor(random() * 12);
    const breach = breachLeft > 0;
    if (breach) breachLeft -= 1;
    const windowStart = new Date(Math.floor(atMs / 3_600_000) * 3_600_000 - 3_600_000);
    const notified = breach && random() < 0.3;
    const notifyAttempts = notified ? 1 + Math.floor(random() * 3) : 0;
    const latencyFailed = random() < 0.01;
    children.push({
      job: 'latency',
      atMs,
      status: latencyFailed ? 'error' : breach ? 'warning' : 'ok',
      duration_ms: 90 + Math.floor(random() * 120),
      artefacts: ['ops/signal_latency_rollup.csv', 'ops/latency_job_heartbeat.json'],
      alerts: breach
        ? [
            {
              id: 'latency_breach',
              severity: 'critical',
              message: 'signal latency SLO breached',
              breach_range: {
                start: new Date(windowStart.getTime() - 2 * 3_600_000).toISOString(),
                end: new Date(windowStart.getTime() + 3_600_000).toISOString(),
              },
              evidence_path: 'ops/signal_latency_rollup.csv',
            },
          ]
        : [],
      diagnostics: latencyFailed ? { error_code: 'input_unreadable', error_message: 'bad rollup row' } : {},
      parent_job_id: parent,
      summary: {
        window: '1h',
        latest_window: windowStart.toISOString(),
        latest_p95_ms: breach ? 6200 + Math.floor(random() * 3000) : 400 + Math.floor(random() * 600),
        breach_streak: breach ? 3 : 0,
        pending_alerts: 0,
        notifications: notified
          ? [
              {
                webhook: 'oncall',
                format: 'slack',
                alerts: ['latency_breach:firing'],
                delivered: true,
                attempts: notifyAttempts,
              },
            ]
          : [],
      },
    });
    if (latencyFailed) {
      for (const job of ['weekly', 'dashboard']) {
        children.push({
          job,
          atMs,
          status: 'skipped',
          duration_ms: 0,
          attempts: 0,
          diagnostics: {
            error_code: 'upstream_failed',
            error_message: 'not run: upstream job latency ended error',
          },
          parent_job_id: parent,
        });
      }
    } else {
      const weekStart = new Date(atMs - ((new Date(atMs).getUTCDay() + 6) % 7) * 86_400_000);
      const delivers = atMs % (7 * 86_400_000) < CHAIN_MS;
      const weeklyAttempts = delivers ? 1 + Math.floor(random() * 3) : 0;
      children.push({
        job: 'weekly',
        atMs,
        status: 'ok',
        duration_ms: 60 + Math.floor(random() * 80),
        attempts: weeklyAttempts,
        parent_job_id: parent,
        summary: {
          week_start: weekStart.toISOString().slice(0, 10),
          delivered: delivers,
          webhook_status_code: delivers ? 200 : null,
          ...(delivers ? {} : { reason: 'already_delivered' }),
        },
      });
      const uploadFailed = random() < 0.02;
      const uploadAttempts = uploadFailed ? 3 : random() < 0.05 ? 2 : 1;
      children.push({
        job: 'dashboard',
        atMs,
        status: uploadFailed ? 'error' : 'ok',
        duration_ms: 150 + Math.floor(random() * 200),
        artefacts: ['out/dashboard/manifest.json'],
        diagnostics: uploadFailed
          ? { error_code: 'upload_failed', error_message: 'upload command exited 1' }
          : {},
        parent_job_id: parent,
        summary: {
          manifest: 'out/dashboard/manifest.json',
          sequence: chain + 1,
          upload: { status: uploadFailed ? 'failed' : 'ok', attempts: uploadAttempts },
        },
      });
    }
    const failed = children.find((child) => child.status === 'error');
    for (const child of children) if (sequence < entries) yield line(child);
    if (sequence < entries) {
      yield line({
        job: 'daily',
        atMs,
        status: failed ? 'error' : 'ok',
        duration_ms: 400 + Math.floor(random() * 300),
        diagnostics: failed ? { error_code: 'job_failed', failed_job: failed.job } : {},
        summary: { jobs: children.map((child) => ({ job: child.job, status: child.status })) },
      });
    }
    if (atMs % 86_400_000 === 9_000_000 && sequence < entries) {
      yield line({
        job: 'verify',
        atMs: atMs + 60_000,
        status: 'ok',
        duration_ms: 900 + Math.floor(random() * 300),
      });
    }
  }
}
