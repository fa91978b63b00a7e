import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DASHBOARD, LATENCY, REBUILD_LOG, VERIFY, WEEKLY } from '../support/jobs-under-test.js';
import {
  describeHostile,
  type HostileCase,
  LATENCY_RECORD,
  VERIFY_BUNDLE,
} from './support/hostile-runner.js';
import { deeplyNested, editJson, plantFile } from './support/plant.js';
import type { Sandbox } from './support/sandbox.js';

/**
 * Class 4 of the trust rules: every JSON the jobs read is held to 64 levels of nesting before it
 * is parsed (`invalid_input` naming the file, line and column — never `internal_error` or a
 * stack), and numbers at the edges of a double are computed stably or refused naming the file:
 * a win rate of α = β = 1e308 is 0.5, fill counts whose total overflows still average, and a
 * P&L curve that leaves the range of a number is `invalid_input`.
 */

const DEEP = deeplyNested(5000);
const STATE_EXPORT = 'ops/state_archive/day_orb_5m.DayORB5m/USDJPY/bridge/20261123_121100.json';
const TELEMETRY = 'reports/portfolio_samples/router_demo/telemetry.json';
const NESTED = 'nests deeper than 64 levels';

function nested(
  job: HostileCase['job'],
  path: string,
  outcome: Omit<HostileCase, 'name' | 'job' | 'plant'>,
): HostileCase {
  return {
    name: `${job.name}: ${path} nested 5,000 deep`,
    job,
    plant: (sandbox) => plantFile(sandbox.root, path, DEEP),
    ...outcome,
  };
}

const failed = (errorCode: string, mentions: string[]) => ({
  exit: 1 as const,
  status: 'error' as const,
  errorCode,
  mentions,
});
const verifyFailed = (failures: string[], mentions: string[] = [NESTED]) => ({
  exit: 1 as const,
  status: 'error' as const,
  errorCode: 'verification_failed',
  failures,
  mentions,
});

const nestingCases: HostileCase[] = [
  nested(
    LATENCY,
    'ops/.signal_latency.csv.rotation.json',
    failed('archive_failed', ['ops/.signal_latency.csv.rotation.json', NESTED]),
  ),
  nested(LATENCY, 'ops/latency_job_heartbeat.json', {
    exit: 0,
    status: 'dry_run',
    errorCode: 'heartbeat_corrupt',
    mentions: ['ops/latency_job_heartbeat.json', NESTED],
    check: async ({ sandbox, expect }) => {
      // Rewritten from this run: the next run reads it again.
      const rewritten = JSON.parse(
        await readFile(join(sandbox.root, 'ops/latency_job_heartbeat.json'), 'utf8'),
      );
      expect(rewritten.status).toBe('dry_run');
    },
  }),
  {
    ...nested(LATENCY, 'ops/signal_latency_archive/manifest.jsonl', {
      exit: 0,
      status: 'dry_run',
      errorCode: null,
    }),
    check: ({ summary, expect }) => expect(JSON.stringify(summary.diagnostics)).toContain(NESTED),
  },
  {
    name: 'latency record --from-jsonl: a line nested 5,000 deep is rejected with its number',
    job: LATENCY_RECORD,
    args: ['--from-jsonl', 'in/samples.jsonl'],
    plant: (sandbox) => plantFile(sandbox.root, 'in/samples.jsonl', `${DEEP}\n`),
    exit: 0,
    status: 'warning',
    errorCode: 'rows_rejected',
    mentions: ['in/samples.jsonl:1', NESTED],
  },
  nested(
    WEEKLY,
    'reports/portfolio_summary.json',
    failed('invalid_input', ['reports/portfolio_summary.json', NESTED]),
  ),
  nested(
    WEEKLY,
    'ops/latency_job_heartbeat.json',
    failed('invalid_input', ['ops/latency_job_heartbeat.json', NESTED]),
  ),
  nested(
    WEEKLY,
    'reports/benchmark_summary.json',
    failed('invalid_input', ['reports/benchmark_summary.json', NESTED]),
  ),
  nested(DASHBOARD, STATE_EXPORT, failed('invalid_input', [STATE_EXPORT, NESTED])),
  nested(DASHBOARD, TELEMETRY, failed('invalid_input', [TELEMETRY, NESTED])),
  {
    ...nested(DASHBOARD, 'in/provenance.json', failed('invalid_input', ['in/provenance.json', NESTED])),
    extraArgs: ['--provenance', 'in/provenance.json'],
  },
  nested(VERIFY_BUNDLE, 'out/dashboard/manifest.json', verifyFailed(['manifest_unreadable'])),
  nested(
    VERIFY_BUNDLE,
    'out/dashboard/latency.json',
    verifyFailed(['checksum_mismatch', 'row_count_mismatch']),
  ),
  {
    name: 'verify: a run log line nested 5,000 deep',
    job: VERIFY,
    plant: async (sandbox) => {
      const log = await readFile(join(sandbox.root, 'ops/automation_runs.log'), 'utf8');
      await plantFile(sandbox.root, 'ops/automation_runs.log', `${log}${DEEP}\n`);
    },
    ...verifyFailed(['log_schema_invalid'], []),
  },
  {
    name: 'rebuild-log: a dashboard manifest nested 5,000 deep is not reconstructed, and said so',
    job: REBUILD_LOG,
    plant: (sandbox) => plantFile(sandbox.root, 'out/dashboard/manifest.json', DEEP),
    exit: 0,
    status: 'warning',
    errorCode: 'artefacts_not_reconstructed',
    check: ({ summary, expect }) => expect(JSON.stringify(summary)).toContain(NESTED),
  },
  {
    name: 'latency_alert.yaml nested 5,000 deep',
    job: LATENCY,
    plant: (sandbox) =>
      plantFile(
        sandbox.root,
        'configs/observability/latency_alert.yaml',
        `webhooks: ${'['.repeat(5000)}${']'.repeat(5000)}\n`,
      ),
    exit: 2,
    status: 'error',
    errorCode: 'invalid_config',
    mentions: ['configs/observability/latency_alert.yaml'],
  },
];

/** The ev_history row of the edited export, from the dataset the run wrote. */
async function evRow(root: string, source: string) {
  const dataset = JSON.parse(await readFile(join(root, 'out/dashboard/ev_history.json'), 'utf8'));
  return dataset.rows.find((row: { source_path: string }) => row.source_path === source);
}

const DAILY_HEADER = 'date,breakouts,gate_pass,gate_block,ev_pass,ev_reject,fills,wins,pnl_pips';

/** Replaces the daily.csv of the dashboard workspace's first run with these days (date, fills, pnl_pips). */
const firstRunDays = (days: readonly [string, string, string][]) => async (sandbox: Sandbox) => {
  const runs = (await readdir(join(sandbox.root, 'runs'), { withFileTypes: true })).filter((entry) =>
    entry.isDirectory(),
  );
  const rows = days.map(([date, fills, pnl]) => `${date},1,1,0,1,0,${fills},1,${pnl}`);
  const daily = `runs/${(runs[0] as { name: string }).name}/daily.csv`;
  await plantFile(sandbox.root, daily, `${[DAILY_HEADER, ...rows].join('\n')}\n`);
};

const numericCases: HostileCase[] = [
  {
    name: 'dashboard: ev_alpha = ev_beta = 1e308 gives a win rate of 0.5',
    job: DASHBOARD,
    plant: (sandbox) =>
      editJson(sandbox.root, STATE_EXPORT, (document) => {
        document.ev_global.alpha = 1e308;
        document.ev_global.beta = 1e308;
      }),
    exit: 0,
    status: 'dry_run',
    errorCode: null,
    check: async ({ sandbox, expect }) => {
      expect(await evRow(sandbox.root, STATE_EXPORT)).toMatchObject({
        ev_alpha: 1e308,
        ev_beta: 1e308,
        win_rate_mean: 0.5,
        win_rate_lcb: 0.5,
      });
    },
  },
  {
    name: 'dashboard: ev_alpha = ev_beta = 5e-324 (the smallest double) gives a win rate of 0.5',
    job: DASHBOARD,
    plant: (sandbox) =>
      editJson(sandbox.root, STATE_EXPORT, (document) => {
        document.ev_global.alpha = 5e-324;
        document.ev_global.beta = 5e-324;
      }),
    exit: 0,
    status: 'dry_run',
    errorCode: null,
    check: async ({ sandbox, expect }) =>
      expect(await evRow(sandbox.root, STATE_EXPORT)).toMatchObject({ win_rate_mean: 0.5 }),
  },
  {
    name: 'dashboard: a daily P&L that leaves the range of a number is invalid_input naming daily.csv',
    job: DASHBOARD,
    plant: firstRunDays([
      ['2026-11-10', '1', '1.5e308'],
      ['2026-11-11', '1', '1.5e308'],
      ['2026-11-12', '1', '-1e308'],
    ]),
    exit: 1,
    status: 'error',
    errorCode: 'invalid_input',
    mentions: ['daily.csv', 'pnl_pips'],
  },
  {
    name: 'dashboard: fill counts whose total overflows still give a finite average',
    job: DASHBOARD,
    plant: firstRunDays([
      ['2026-11-10', '1e308', '1'],
      ['2026-11-11', '1e308', '1'],
    ]),
    exit: 0,
    status: 'dry_run',
    errorCode: null,
    check: async ({ sandbox, expect }) => {
      const turnover = JSON.parse(await readFile(join(sandbox.root, 'out/dashboard/turnover.json'), 'utf8'));
      expect(turnover.rows.map((row: { avg_trades_per_day: number }) => row.avg_trades_per_day)).toContain(
        1e308,
      );
    },
  },
  {
    name: 'weekly: fill counts whose total overflows still give a finite turnover per day',
    job: WEEKLY,
    plant: (sandbox) =>
      plantFile(
        sandbox.root,
        'runs/USDJPY_conservative_20251008_101500/daily.csv',
        `${DAILY_HEADER}\n2025-10-06,9,3,6,3,0,1e308,2,1.5\n2025-10-07,8,2,6,2,0,1e308,1,0.5\n`,
      ),
    exit: 0,
    status: 'dry_run',
    errorCode: null,
    check: async ({ sandbox, summary, expect }) => {
      const payload = JSON.parse(await readFile(join(sandbox.root, summary.artefacts[0]), 'utf8'));
      const run = payload.runs.find(
        (item: { run_id: string }) => item.run_id === 'USDJPY_conservative_20251008_101500',
      );
      expect(run.turnover_per_day).toBe(1e308);
    },
  },
];

describeHostile('hostile workspace, class 4: deep nesting and numeric edges', [
  ...nestingCases,
  ...numericCases,
]);
