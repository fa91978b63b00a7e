import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_SEVERITY_VALUES } from '../../packages/automation-core/src/metrics/metric-families.js';
import {
  startWebhookTestServer,
  type WebhookTestServer,
} from '../../packages/automation-core/src/test-support/webhook-test-server.js';
import {
  DAILY,
  DASHBOARD,
  type JobUnderTest,
  LATENCY,
  REBUILD_LOG,
  runJobCli,
  VERIFY,
  WEEKLY,
} from '../corpus/support/jobs-under-test.js';
import {
  copyWorkspace,
  type JsonDocument,
  NOW,
  readJsonLines,
  runDaily,
  webhookEnv,
  writeDailyInputs,
} from '../daily/support/daily-workspace.js';
import { BIN, cleanEnv, makeWorkspace, REPO_ROOT, runCli } from '../support/cli-process.js';
import {
  metricsFiles,
  metricValues,
  PROMTOOL,
  promtoolCheckMetrics,
  runTool,
  seriesValues,
} from './support/prometheus-tools.js';

const METRICS = 'ops/metrics';
const T0 = Date.parse(NOW) / 1000;
const DRY_NOW = '2025-10-06T12:15:00Z';
const T1 = Date.parse(DRY_NOW) / 1000;
const CHAIN = ['latency', 'weekly', 'dashboard', 'daily'];
const PROMTOOL_NOTE = PROMTOOL
  ? 'with promtool'
  : 'SKIPPED: promtool (Debian package prometheus) is not installed';
const RULES = join(REPO_ROOT, 'docs/deploy/prometheus/obs-automation.rules.yml');

let server: WebhookTestServer;
let temp: string;
let cleanup: () => Promise<void>;
let inputs: string;
let copies = 0;

async function freshCopy(): Promise<string> {
  copies += 1;
  const target = join(temp, `copy-${copies}`);
  await copyWorkspace(inputs, target);
  return target;
}

/** Every metrics file of a folder: file name → content. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const files = metricsFiles(dir);
  return new Map(
    await Promise.all(
      files.map(async (file) => [file.slice(dir.length + 1), await readFile(file, 'utf8')] as const),
    ),
  );
}

/** Every text passes `promtool check metrics` with nothing to say. */
async function expectPromtoolClean(texts: ReadonlyMap<string, string>): Promise<void> {
  expect(texts.size).toBeGreaterThan(0);
  for (const [name, text] of texts) {
    const result = await promtoolCheckMetrics(text);
    expect(`${name}: exit ${result.exitCode} ${result.stdout}${result.stderr}`).toBe(`${name}: exit 0 `);
  }
}

function familyNames(texts: Iterable<string>): Set<string> {
  return new Set(
    [...texts].flatMap((text) => Object.keys(seriesValues(text)).map((key) => key.split('{')[0] as string)),
  );
}

const summaryOf = (chain: JsonDocument, job: string) =>
  (chain.jobs as JsonDocument[]).find((child) => child.job === job)?.summary as JsonDocument;

let real: string;
let realChain: JsonDocument;
let afterReal: Map<string, string>;
let afterDry: Map<string, string>;
let dryOnly: Map<string, string>;
/** job name → its metrics after a run of the job alone, on a workspace of its own */
const alone = new Map<string, Map<string, string>>();

beforeAll(async () => {
  server = await startWebhookTestServer({ path: '/hooks/weekly' });
  ({ root: temp, cleanup } = await makeWorkspace('obs-metrics-'));
  inputs = join(temp, 'inputs');
  await writeDailyInputs(inputs);

  real = await freshCopy();
  const first = await runDaily(real, ['--observability'], { env: webhookEnv(server.url) });
  expect(first.exitCode, first.stdout).toBe(0);
  realChain = first.json();
  afterReal = await snapshot(join(real, METRICS));
  const dry = await runDaily(real, ['--observability', '--dry-run'], {
    now: DRY_NOW,
    env: webhookEnv(server.url),
  });
  expect(dry.exitCode, dry.stdout).toBe(0);
  afterDry = await snapshot(join(real, METRICS));

  const dryRoot = await freshCopy();
  const dryFirst = await runDaily(dryRoot, ['--observability', '--dry-run']);
  expect(dryFirst.exitCode, dryFirst.stdout).toBe(0);
  dryOnly = await snapshot(join(dryRoot, METRICS));

  for (const job of [LATENCY, WEEKLY, DASHBOARD, VERIFY, REBUILD_LOG, DAILY] as JobUnderTest[]) {
    const root = join(temp, `alone-${job.name}`);
    await mkdir(root, { recursive: true });
    await job.prepare(root);
    const result = await runJobCli(job, root);
    expect(result.exitCode, `${job.name}: ${result.stdout}`).toBe(0);
    alone.set(job.name, await snapshot(join(root, METRICS)));
  }
  const recordRoot = join(temp, 'alone-record');
  await mkdir(recordRoot);
  const record = await runCli(
    BIN.latency,
    ['record', '--root', recordRoot, '--now', NOW, '--from-jsonl', '-'],
    {
      env: cleanEnv(),
      input: '{"source":"router","latency_ms":412}\n{"source":"router","latency_ms":-1}\n',
    },
  );
  expect(record.exitCode, record.stdout).toBe(0);
  alone.set('latency-record', await snapshot(join(recordRoot, METRICS)));
}, 240_000);

afterAll(async () => {
  await server.close();
  await cleanup();
});

describe('a fresh sample-workspace chain', () => {
  it('writes one file per job of the chain, each named in its summary', () => {
    expect([...afterReal.keys()]).toEqual(CHAIN.map((job) => `obs_${job}.prom`).sort());
    expect(realChain.metrics_file).toBe('ops/metrics/obs_daily.prom');
    for (const job of realChain.jobs as JsonDocument[]) {
      expect(job.summary.metrics_file).toBe(`ops/metrics/obs_${job.job}.prom`);
    }
  });

  it.skipIf(!PROMTOOL)(
    `passes promtool check metrics after the real run and the dry run (${PROMTOOL_NOTE})`,
    async () => {
      await expectPromtoolClean(afterReal);
      await expectPromtoolClean(afterDry);
      await expectPromtoolClean(dryOnly);
    },
  );

  it("states each job's figures as its summary, heartbeat and manifest do", async () => {
    const values = (job: string) => seriesValues(afterReal.get(`obs_${job}.prom`) as string);
    const latency = summaryOf(realChain, 'latency');
    const heartbeat = JSON.parse(await readFile(join(real, 'ops/latency_job_heartbeat.json'), 'utf8'));
    expect(values('latency')).toMatchObject({
      'obs_job_last_run_timestamp_seconds{job="latency"}': T0,
      'obs_job_last_success_timestamp_seconds{job="latency"}': T0,
      [`obs_job_last_status{job="latency",status="${latency.status}"}`]: 1,
      'obs_job_attempts{job="latency"}': latency.attempts,
      'obs_run_log_sequence{job="latency"}': latency.log_sequence,
      'obs_latency_p95_seconds{job="latency"}': latency.latest_p95_ms / 1000,
      'obs_latency_failure_ratio{job="latency"}': latency.latest_failure_rate,
      'obs_latency_window_start_timestamp_seconds{job="latency"}': Date.parse(latency.latest_window) / 1000,
      'obs_latency_breach_streak{job="latency"}': latency.breach_streak,
      'obs_alert_severity{job="latency"}':
        ALERT_SEVERITY_VALUES[latency.alert_state.severity as keyof typeof ALERT_SEVERITY_VALUES],
      'obs_notifications_pending{job="latency"}': heartbeat.pending_alerts,
    });
    const log = await readJsonLines(real, 'ops/automation_runs.log');
    const latencyEntry = log.find((entry) => entry.job_id === latency.job_id) as JsonDocument;
    expect(values('latency')['obs_job_duration_seconds{job="latency"}']).toBeCloseTo(
      latencyEntry.duration_ms / 1000,
      2,
    );

    const weekly = summaryOf(realChain, 'weekly');
    expect(weekly).toMatchObject({ delivered: true, week_start: '2025-09-29' });
    expect(values('weekly')).toMatchObject({
      'obs_weekly_last_delivered_week_start_timestamp_seconds{job="weekly"}':
        Date.parse('2025-09-29T00:00:00Z') / 1000,
      'obs_job_attempts{job="weekly"}': 1,
      'obs_weekly_next_due_timestamp_seconds{job="weekly"}': Date.parse(weekly.next_due_at) / 1000,
    });

    // the manifest on disk is the dry run's, which came after
    const manifest = JSON.parse(await readFile(join(real, 'out/dashboard/manifest.json'), 'utf8'));
    const sequence = 'obs_dashboard_manifest_sequence{job="dashboard"}';
    expect(values('dashboard')[sequence]).toBe(summaryOf(realChain, 'dashboard').sequence);
    expect(seriesValues(afterDry.get('obs_dashboard.prom') as string)[sequence]).toBe(manifest.sequence);

    const chainEntry = log.find((entry) => entry.job_id === realChain.job_id) as JsonDocument;
    expect(values('daily')).toMatchObject({
      'obs_run_log_sequence{job="daily"}': chainEntry.sequence,
      [`obs_job_runs_total{job="daily",status="${realChain.status}"}`]: 1,
    });
  });

  it('a dry run never moves the last real success; it moves the last run and the last dry run', () => {
    for (const job of CHAIN) {
      const before = seriesValues(afterReal.get(`obs_${job}.prom`) as string);
      const after = seriesValues(afterDry.get(`obs_${job}.prom`) as string);
      expect(before[`obs_job_last_success_timestamp_seconds{job="${job}"}`], job).toBe(T0);
      expect(after[`obs_job_last_success_timestamp_seconds{job="${job}"}`], job).toBe(T0);
      expect(after[`obs_job_last_run_timestamp_seconds{job="${job}"}`], job).toBe(T1);
      expect(after[`obs_job_last_dry_run_timestamp_seconds{job="${job}"}`], job).toBe(T1);
      expect(after[`obs_job_last_status{job="${job}",status="dry_run"}`], job).toBe(1);
      expect(after[`obs_job_runs_total{job="${job}",status="dry_run"}`], job).toBe(1);
    }
  });

  it('a workspace that only ever dry-ran has no last success at all', () => {
    for (const job of CHAIN) {
      const values = seriesValues(dryOnly.get(`obs_${job}.prom`) as string);
      expect(
        Object.keys(values).filter((key) => key.startsWith('obs_job_last_success')),
        job,
      ).toEqual([]);
      expect(values[`obs_job_last_dry_run_timestamp_seconds{job="${job}"}`], job).toBe(T0);
    }
  });
});

describe('each job alone', () => {
  it('writes its own file, labelled with its job name', () => {
    for (const [job, files] of alone) {
      // the chain runs its jobs, each writing its own file
      const expected = job === 'daily' ? CHAIN.map((name) => `obs_${name}.prom`).sort() : [`obs_${job}.prom`];
      expect([...files.keys()], job).toEqual(expected);
      if (job === 'daily') continue;
      const values = seriesValues(files.get(`obs_${job}.prom`) as string);
      expect(
        Object.keys(values).every((key) => key.includes(`job="${job}"`)),
        job,
      ).toBe(true);
    }
  });

  it.skipIf(!PROMTOOL)(`passes promtool check metrics (${PROMTOOL_NOTE})`, async () => {
    for (const files of alone.values()) await expectPromtoolClean(files);
  });

  it('obs-latency record counts the samples it appended and the lines it rejected', () => {
    const values = seriesValues(alone.get('latency-record')?.get('obs_latency-record.prom') as string);
    expect(values).toMatchObject({
      'obs_latency_record_samples_total{job="latency-record"}': 1,
      'obs_latency_record_rejected_rows_total{job="latency-record"}': 1,
      'obs_job_last_status{job="latency-record",status="warning"}': 1,
      'obs_job_last_warning{code="rows_rejected",job="latency-record"}': 1,
      'obs_job_last_success_timestamp_seconds{job="latency-record"}': T0,
    });
  });

  it('obs-verify reports the gaps its sequence check counted', () => {
    const values = seriesValues(alone.get('verify')?.get('obs_verify.prom') as string);
    expect(values['obs_run_log_gaps{job="verify"}']).toBe(0);
  });
});

describe('the alerting rules and the metrics the jobs write', () => {
  it('name only families the jobs write', async () => {
    const written = familyNames([
      ...afterReal.values(),
      ...afterDry.values(),
      ...[...alone.values()].flatMap((files) => [...files.values()]),
    ]);
    const rules = await readFile(RULES, 'utf8');
    const used = new Set([...rules.matchAll(/\b(obs_[a-z0-9_]+)/g)].map((match) => match[1] as string));
    used.delete('obs_latency'); // the file name obs_latency.prom in a description
    for (const name of ['obs_weekly', 'obs_dashboard', 'obs_daily', 'obs_verify']) used.delete(name);
    expect(used.size).toBeGreaterThan(5);
    for (const name of used) expect(written.has(name), name).toBe(true);
  });

  it.skipIf(!PROMTOOL)(`fire on the chain's own latency breach (${PROMTOOL_NOTE})`, async () => {
    // The sample workspace ends in a critical latency breach: its file, fed to the rules as is.
    const values = seriesValues(afterReal.get('obs_latency.prom') as string);
    expect(values['obs_alert_severity{job="latency"}']).toBe(ALERT_SEVERITY_VALUES.critical);
    const series = Object.entries(values).map(([series, value]) => ({
      series: series.replace('{', '{instance="obs:9100",'),
      values: `${value}x20`,
    }));
    const test = {
      rule_files: [RULES],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: series,
          alert_rule_test: [
            {
              eval_time: '10m',
              alertname: 'ObsLatencySloBreach',
              exp_alerts: [
                {
                  exp_labels: { severity: 'critical', job: 'latency', instance: 'obs:9100' },
                  exp_annotations: {
                    summary: 'latency: signal latency breaches its SLO',
                    description:
                      'The latest closed windows breach the latency SLO (p95 or failure rate); the latency job has raised its alert (severity 3: 2 warning, 3 critical).',
                    runbook_url: 'docs/runbook.md#prometheus-alerts',
                  },
                },
              ],
            },
            { eval_time: '10m', alertname: 'ObsLatencyDataStale', exp_alerts: [] },
            { eval_time: '10m', alertname: 'ObsNotificationsPending', exp_alerts: [] },
          ],
        },
      ],
    };
    const file = join(temp, 'chain-breach.test.yml');
    await writeFile(file, JSON.stringify(test)); // JSON is YAML
    const result = await runTool(PROMTOOL as string, ['test', 'rules', file]);
    expect(`${result.exitCode} ${result.stdout}${result.stderr}`).toMatch(/^0 .*SUCCESS/s);
  });
});

describe('where the files go', () => {
  it('--metrics-dir on the chain reaches every job; OBS_METRICS_DIR does too', async () => {
    const root = await freshCopy();
    const chain = await runDaily(root, ['--observability', '--dry-run', '--metrics-dir', 'out/textfiles']);
    expect(chain.exitCode, chain.stdout).toBe(0);
    expect([...(await snapshot(join(root, 'out/textfiles'))).keys()]).toEqual(
      CHAIN.map((job) => `obs_${job}.prom`).sort(),
    );
    const elsewhere = join(temp, 'node-exporter-textfiles');
    const latency = await runCli(BIN.latency, ['--root', root, '--now', DRY_NOW, '--dry-run-alert'], {
      env: cleanEnv({ OBS_METRICS_DIR: elsewhere }),
    });
    expect(latency.json().metrics_file).toBe(relative(root, join(elsewhere, 'obs_latency.prom')));
    expect(
      metricValues(join(elsewhere, 'obs_latency.prom'))['obs_job_last_run_timestamp_seconds{job="latency"}'],
    ).toBe(T1);
  });
});

describe('a metrics folder that cannot be written', () => {
  it('leaves an ok run a success: warning, metrics_write_failed, exit 0, the run logged as ok', async () => {
    const root = join(temp, 'blocked-verify');
    await mkdir(root);
    await VERIFY.prepare(root);
    await writeFile(join(root, 'ops/blocked'), 'a regular file where a folder is expected\n');
    const result = await runJobCli(VERIFY, root, { extraArgs: ['--metrics-dir', 'ops/blocked/metrics'] });
    expect(result.exitCode, result.stdout).toBe(0);
    const summary = result.json();
    expect(summary.status).toBe('warning');
    expect(summary.diagnostics).toMatchObject({
      error_code: 'metrics_write_failed',
      error_message: expect.stringContaining('ops/blocked/metrics/obs_verify.prom'),
    });
    const log = await readJsonLines(root, 'ops/automation_runs.log');
    expect(log.at(-1)).toMatchObject({ job_id: summary.job_id, status: 'ok' });
  });

  it('keeps a failed run its own error code, with metrics_write_failed beside it', async () => {
    // the inputs alone: no rollup yet, so obs-weekly fails with missing_input
    const root = await freshCopy();
    await writeFile(join(root, 'ops/blocked'), 'x\n');
    const result = await runCli(
      BIN.weekly,
      ['--root', root, '--now', NOW, '--metrics-dir', 'ops/blocked/metrics'],
      { env: cleanEnv() },
    );
    expect(result.exitCode).toBe(1);
    expect(result.json().diagnostics).toMatchObject({
      error_code: 'missing_input',
      metrics_write_failed: expect.stringContaining('obs_weekly.prom'),
    });
  });

  it('leaves a chain of dry runs dry runs, each saying so', async () => {
    const root = await freshCopy();
    await writeFile(join(root, 'ops/blocked'), 'x\n');
    const result = await runDaily(root, [
      '--observability',
      '--dry-run',
      '--metrics-dir',
      'ops/blocked/metrics',
    ]);
    expect(result.exitCode, result.stdout).toBe(0);
    const chain = result.json();
    expect(chain.status).toBe('dry_run');
    for (const job of chain.jobs as JsonDocument[]) {
      expect(job.status, job.job).toBe('dry_run');
      const diagnostics = job.summary.diagnostics;
      expect(diagnostics.metrics_write_failed ?? diagnostics.error_message, job.job).toContain(
        `obs_${job.job}.prom`,
      );
    }
  });
});
