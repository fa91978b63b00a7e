import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startWebhookTestServer,
  type WebhookTestServer,
} from '../../packages/automation-core/src/test-support/webhook-test-server.js';
import { BIN, makeWorkspace } from '../support/cli-process.js';
import { ANSI_COLOUR, HAS_SCRIPT, plainText, runInTerminal, widestLine } from '../support/pseudo-terminal.js';
import {
  at,
  copyWorkspace,
  findingCodes,
  type JsonDocument,
  jobOf,
  NOW,
  runChain,
  runStatus,
  runVerify,
  webhookEnv,
  writeSampleInputs,
} from './support/status-workspace.js';

const CHAINED = ['latency', 'weekly', 'dashboard', 'daily'];

let server: WebhookTestServer;
let temp: string;
let cleanup: () => Promise<void>;
/** Generated inputs (latency under the SLO), never run on. */
let fresh: string;
/** The fresh inputs after a real chain that delivered and the nightly verification. */
let healthy: string;
/** A real chain without the webhook's variables: obs-weekly fails with missing_secret. */
let failedWeekly: string;
let copies = 0;

async function copyOf(source: string): Promise<string> {
  copies += 1;
  const target = join(temp, `copy-${copies}`);
  await copyWorkspace(source, target);
  return target;
}

beforeAll(async () => {
  server = await startWebhookTestServer({ path: '/hooks/weekly' });
  ({ root: temp, cleanup } = await makeWorkspace('obs-status-'));
  fresh = join(temp, 'fresh');
  await writeSampleInputs(fresh, { breachHours: 0 });
  healthy = await copyOf(fresh);
  const chain = await runChain(healthy, { env: webhookEnv(server.url) });
  expect(chain.exitCode, `${chain.stdout}${chain.stderr}`).toBe(0);
  const verify = await runVerify(healthy, at(1));
  expect(verify.exitCode, verify.stdout).toBe(0);
  failedWeekly = await copyOf(fresh);
  expect((await runChain(failedWeekly)).exitCode).toBe(1);
}, 120_000);

afterAll(async () => {
  await server.close();
  await cleanup();
});

describe('obs-status verdicts', () => {
  it('healthy after a real chain and the nightly verification: exit 0, every job on time', async () => {
    const result = await runStatus(healthy, at(5));
    expect(result.exitCode, result.stdout).toBe(0);
    const status = result.json();
    expect(status).toMatchObject({ status: 'ok', job_name: 'status', verdict: 'healthy', attention: 0 });
    expect(status.findings).toEqual([]);
    expect(status.jobs.map((job: JsonDocument) => [job.job, job.freshness])).toEqual([
      ['latency', 'on_time'],
      ['weekly', 'on_time'],
      ['dashboard', 'on_time'],
      ['verify', 'on_time'],
      ['daily', 'on_time'],
    ]);
    expect(jobOf(status, 'weekly').last_run).toMatchObject({
      status: 'ok',
      job_id: '20251006T120000Z-weekly',
      age_seconds: 300,
    });
    expect(status.weekly).toMatchObject({ last_delivered_week_start: '2025-09-29' });
    expect(status.latency).toMatchObject({ alert: { severity: 'none' }, p95_over_slo: false });
    expect(status.latency.slo.p95_ms).toBe(5000);
    expect(status.dashboard).toMatchObject({ state: 'ok', sequence: 1, age_seconds: 300 });
    expect(status.run_log).toMatchObject({ state: 'ok', sequence_file_agrees: true, jumps: [] });
    expect(status.run_log.last_sequence).toBe(status.run_log.entries_scanned);
    expect(result.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toBe('');
  });

  it('the fresh sample workspace, before any run: exit 1, nothing recorded', async () => {
    const result = await runStatus(fresh, NOW);
    expect(result.exitCode).toBe(1);
    expect(result.json()).toMatchObject({ verdict: 'attention', attention: 1 });
    expect(findingCodes(result.json())).toEqual(['no_runs_recorded']);
  });

  it('an empty directory: exit 1, nothing recorded, --root named in the finding', async () => {
    const { root, cleanup: done } = await makeWorkspace('obs-status-empty-');
    try {
      const result = await runStatus(root, NOW);
      expect(result.exitCode).toBe(1);
      const [finding] = result.json().findings;
      expect(finding).toMatchObject({
        code: 'no_runs_recorded',
        severity: 'critical',
        runbook: 'docs/runbook.md#no_runs_recorded',
      });
      expect(finding.message).toContain(root);
      expect(await readdir(root)).toEqual([]);
    } finally {
      await done();
    }
  });

  it('a failed weekly: exit 1, missing_secret with its runbook anchor, the dashboard skipped', async () => {
    const result = await runStatus(failedWeekly, at(2));
    expect(result.exitCode).toBe(1);
    const status = result.json();
    const weekly = jobOf(status, 'weekly');
    expect(weekly).toMatchObject({
      freshness: 'never',
      last_run_failed: true,
      consecutive_failures: 1,
      last_error: { code: 'missing_secret', runbook: 'docs/runbook.md#missing_secret' },
    });
    expect(jobOf(status, 'dashboard')).toMatchObject({
      last_run: { status: 'skipped' },
      consecutive_skips: 1,
      freshness: 'never',
    });
    expect(jobOf(status, 'latency').freshness).toBe('on_time');
    // The week due on Saturday 23:30 was never delivered: overdue as well as failing; with no
    // notification routing in the sample, nobody was told of the failure either.
    expect(findingCodes(status, 'weekly')).toEqual([
      'missing_secret',
      'notifications_pending',
      'weekly_overdue',
    ]);
    expect(findingCodes(status, 'daily')).toEqual(['job_failed', 'notifications_pending']);
    expect(status.findings[0].severity).toBe('critical');
  });

  it('a scheduler stopped for two hours: the chained jobs stale, verify on time, exit 1', async () => {
    const result = await runStatus(healthy, at(120));
    expect(result.exitCode).toBe(1);
    const status = result.json();
    for (const job of CHAINED) {
      expect(jobOf(status, job).freshness, job).toBe('stale');
      expect(findingCodes(status, job), job).toEqual(['heartbeat_stale']);
    }
    expect(jobOf(status, 'verify').freshness).toBe('on_time');
  });

  it('a scheduler stopped for 45 minutes: late (two periods), a warning, exit 1', async () => {
    const result = await runStatus(healthy, at(45));
    expect(result.exitCode).toBe(1);
    const status = result.json();
    for (const job of CHAINED) expect(jobOf(status, job).freshness, job).toBe('late');
    expect(status.findings.every((finding: JsonDocument) => finding.severity === 'warning')).toBe(true);
  });

  it('--stale-after replaces a threshold; --jobs judges only those named', async () => {
    const result = await runStatus(healthy, at(120), [
      '--stale-after',
      'latency=3h',
      '--jobs',
      'latency,verify',
    ]);
    const status = result.json();
    expect(status.jobs.map((job: JsonDocument) => job.job)).toEqual(['latency', 'verify']);
    expect(jobOf(status, 'latency')).toMatchObject({
      freshness: 'late',
      schedule: { stale_after_seconds: 10_800 },
    });
  });

  it('only dry runs: every chained job "dry runs only", exit 1', async () => {
    const root = await copyOf(fresh);
    expect((await runChain(root, { dryRun: true })).exitCode).toBe(0);
    const result = await runStatus(root, at(1));
    expect(result.exitCode).toBe(1);
    const status = result.json();
    for (const job of CHAINED) {
      expect(jobOf(status, job), job).toMatchObject({
        freshness: 'never',
        dry_run_only: true,
        last_success: null,
      });
      expect(findingCodes(status, job), job).toEqual(['heartbeat_dry_run_only']);
    }
    expect(findingCodes(status, 'verify')).toEqual(['heartbeat_never_succeeded']);
  });

  it('after a real weekly missing_secret, one dry run hides nothing: obs-verify fails, obs-status names the code', async () => {
    const root = await copyOf(failedWeekly);
    expect((await runChain(root, { dryRun: true, now: at(5) })).exitCode).toBe(0);
    const verify = await runVerify(root, at(6));
    expect(verify.exitCode).toBe(1);
    const failures = verify
      .json()
      .failures.filter((failure: JsonDocument) => failure.check === 'heartbeat_fresh');
    expect(failures).toContainEqual(
      expect.objectContaining({
        error_code: 'heartbeat_error',
        message: expect.stringMatching(
          /weekly_report_heartbeat\.json: the last real run failed \(last failure: missing_secret/,
        ),
      }),
    );
    const status = (await runStatus(root, at(6))).json();
    expect(jobOf(status, 'weekly')).toMatchObject({ last_run: { status: 'dry_run' }, last_run_failed: true });
    expect(findingCodes(status, 'weekly')).toEqual([
      'missing_secret',
      'notifications_pending',
      'weekly_overdue',
    ]);
  });

  it('a chain whose dashboard warned (damaged history): exit 1, the code in LAST ERROR and a finding', async () => {
    const root = await copyOf(healthy);
    const history = join(root, 'ops/dashboard_export_history');
    const [kept] = await readdir(history);
    await writeFile(join(history, kept as string, 'manifest.json'), '{"sequence": 1,');
    const chain = await runChain(root, { now: at(15), env: webhookEnv(server.url) });
    expect(chain.exitCode, chain.stdout).toBe(0);
    const result = await runStatus(root, at(16));
    expect(result.exitCode).toBe(1);
    const status = result.json();
    expect(jobOf(status, 'dashboard')).toMatchObject({
      last_run: { status: 'warning' },
      last_run_failed: false,
      last_warning: { code: 'history_bundle_invalid', runbook: 'docs/runbook.md#history_bundle_invalid' },
    });
    expect(findingCodes(status)).toEqual(['history_bundle_invalid']);
    expect(status.findings[0]).toMatchObject({
      severity: 'warning',
      job: 'dashboard',
      message: expect.stringMatching(
        /^obs-dashboard's last run \(\S+-dashboard\) ended warning 1m ago: dashboard history cannot be trusted: .*manifest\.json/,
      ),
    });
    if (HAS_SCRIPT) {
      const screen = plainText((await runInTerminal(BIN.status, ['--root', root, '--now', at(16)])).screen);
      // the job id whole, to be copied into obs-verify --job-id; the code (whole in its finding) gives way
      expect(screen).toMatch(
        /^dashboard {2,}warning 1m ago {2,}20251006T121500Z-dashboard {2,}on time, 1m ago {2,}— {2,}history_bundle_inv\S*$/m,
      );
      expect(screen).toContain('→ docs/runbook.md#history_bundle_invalid');
    }
  });

  it('a last success from the future is clock_skew, never on time', async () => {
    const result = await runStatus(healthy, at(-10));
    const status = result.json();
    expect(result.exitCode).toBe(1);
    expect(jobOf(status, 'latency').freshness).toBe('clock_skew');
    expect(findingCodes(status, 'latency')).toEqual(['clock_skew']);
  });
});

/** Every file under `root` with its size and modification time. */
async function snapshot(root: string, dir = ''): Promise<string[]> {
  const entries: string[] = [];
  for (const entry of await readdir(join(root, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) entries.push(`${path}/`, ...(await snapshot(root, path)));
    else {
      const info = await stat(join(root, path));
      entries.push(`${path} ${info.size} ${info.mtimeMs}`);
    }
  }
  return entries.sort();
}

describe('obs-status reads only', () => {
  it('writes nothing, takes no lock, answers while a job holds its lock', async () => {
    const root = await copyOf(healthy);
    await mkdir(join(root, 'ops/.daily.lock'));
    await writeFile(join(root, 'ops/.daily.lock/owner.json'), '{}');
    const before = await snapshot(root);
    const result = await runStatus(root, at(5));
    expect(result.exitCode).toBe(0);
    expect(await snapshot(root)).toEqual(before);
    await rm(join(root, 'ops/.daily.lock'), { recursive: true });
  });

  it('reports an unreadable heartbeat and a gap in the run log instead of failing', async () => {
    const root = await copyOf(healthy);
    await writeFile(join(root, 'ops/latency_job_heartbeat.json'), '{"job_id": ');
    const log = join(root, 'ops/automation_runs.log');
    const { readFile, appendFile } = await import('node:fs/promises');
    const last = JSON.parse((await readFile(log, 'utf8')).trimEnd().split('\n').at(-1) as string);
    await appendFile(log, `${JSON.stringify({ ...last, sequence: last.sequence + 3 })}\n`);
    const status = (await runStatus(root, at(5))).json();
    expect(jobOf(status, 'latency').heartbeat).toMatchObject({ state: 'corrupt' });
    expect(findingCodes(status)).toEqual(expect.arrayContaining(['heartbeat_corrupt', 'sequence_gap']));
    expect(status.run_log.jumps).toEqual([{ after: last.sequence, next: last.sequence + 3 }]);
  });
});

describe.skipIf(!HAS_SCRIPT)('obs-status on a terminal (script from util-linux)', () => {
  it('the table fits 100 columns on the sample workspace, job ids whole, in colour', async () => {
    const result = await runInTerminal(BIN.status, ['--root', failedWeekly, '--now', at(2)]);
    expect(result.exitCode).toBe(1);
    expect(widestLine(result.screen)).toBeLessThanOrEqual(100);
    expect(result.screen).toMatch(ANSI_COLOUR);
    const screen = plainText(result.screen);
    expect(screen).toMatch(/^obs-status {2}.* {2}NEEDS ATTENTION: \d+$/m);
    expect(screen).toMatch(/^JOB {2,}LAST RUN {2,}JOB ID {2,}REAL SUCCESS {2,}STREAK {2,}LAST ERROR$/m);
    expect(screen).toMatch(
      /^weekly {2,}error 2m ago {2,}20251006T120000Z-weekly {2,}never {2,}1 failed {2,}missing_secret$/m,
    );
    expect(screen).toContain('→ docs/runbook.md#missing_secret');
    expect(() => JSON.parse(result.screen)).toThrow();
  });

  it('healthy on a terminal: exit 0 and says so', async () => {
    const result = await runInTerminal(BIN.status, ['--root', healthy, '--now', at(5)]);
    expect(result.exitCode).toBe(0);
    expect(plainText(result.screen)).toMatch(/HEALTHY/);
    expect(widestLine(result.screen)).toBeLessThanOrEqual(100);
  });

  it('NO_COLOR=1 and --no-color: not one escape code', async () => {
    const { cleanEnv } = await import('../support/cli-process.js');
    const noColor = await runInTerminal(BIN.status, ['--root', failedWeekly, '--now', at(2)], {
      env: cleanEnv({ NO_COLOR: '1' }),
    });
    expect(noColor.screen).not.toContain('\u001b');
    const flag = await runInTerminal(BIN.status, ['--root', failedWeekly, '--now', at(2), '--no-color']);
    expect(flag.screen).not.toContain('\u001b');
    expect(flag.screen).toBe(noColor.screen);
  });

  it('a usage error on a terminal reads like any command’s: the problem and --help', async () => {
    const result = await runInTerminal(BIN.status, ['--root', healthy, '--jobs', 'bogus']);
    expect(result.exitCode).toBe(2);
    const screen = plainText(result.screen);
    expect(screen).toMatch(/^obs-status {2}error /);
    expect(screen).toMatch(/^ {2}problem {2}invalid_usage: --jobs: must be a comma-separated list/m);
    expect(screen).toContain('obs-status --help lists every flag');
  });

  it('--json on a terminal prints the JSON document on one line', async () => {
    const result = await runInTerminal(BIN.status, ['--root', healthy, '--now', at(5), '--json']);
    expect(result.screen.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(result.screen)).toMatchObject({ verdict: 'healthy' });
  });

  it('--watch redraws until Ctrl-C; piped, --watch is a usage error', async () => {
    const result = await runInTerminal(BIN.status, ['--root', healthy, '--now', at(5), '--watch', '0.5'], {
      prefix: 'exec timeout --preserve-status -s INT 2',
    });
    const draws = result.screen.split('\u001b[H\u001b[2J').length - 1;
    expect(draws).toBeGreaterThanOrEqual(2);
    expect(result.exitCode).toBe(0);
    const piped = await runStatus(healthy, at(5), ['--watch', '5']);
    expect(piped.exitCode).toBe(2);
    expect(piped.json().diagnostics).toMatchObject({ error_code: 'invalid_usage', flag: '--watch' });
  });
});
