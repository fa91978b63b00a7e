import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  writeText,
  writeWeeklyWorkspace,
} from '../../packages/weekly-cli/src/test-support/weekly-fixtures.js';
import { BIN, type CliResult, cleanEnv, makeWorkspace, runCli } from '../support/cli-process.js';

/**
 * obs-weekly and obs-dashboard read runs/index.csv and each run's daily.csv through one reader:
 * the same workspace gives them the same runs and days, the same errors at the same place, and
 * the same `missing_input` shape.
 */

const NOW = '2025-10-14T01:00:00Z';
const INDEX = 'runs/index.csv';

// biome-ignore lint/suspicious/noExplicitAny: assertions walk parsed JSON of a known shape
type JsonDocument = Record<string, any>;

let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ root, cleanup } = await makeWorkspace('obs-run-inputs-'));
  await writeWeeklyWorkspace(root);
});
afterEach(() => cleanup());

const runWeekly = (args: readonly string[] = []) =>
  runCli(BIN.weekly, ['--root', root, '--now', NOW, '--dry-run-webhook', ...args], { env: cleanEnv() });
const runDashboard = (args: readonly string[] = []) =>
  runCli(BIN.dashboard, ['--root', root, '--now', NOW, '--dry-run', '--dataset', 'turnover', ...args], {
    env: cleanEnv(),
  });

async function readJson(path: string): Promise<JsonDocument> {
  return JSON.parse(await readFile(join(root, path), 'utf8')) as JsonDocument;
}

function summaryOf(result: CliResult, exitCode: number): JsonDocument {
  expect(result.exitCode, result.stdout + result.stderr).toBe(exitCode);
  return result.json();
}

/**
 * Every run in the week of 2025-10-06, written the ways the earlier tooling and other writers
 * do: BOM, CRLF, reordered and extra columns, a quoted cell, `NaN` and empty cells, compact and
 * ISO timestamps, daily.csv under run_dir or under runs/<run_id>/, and a run without one.
 */
async function writeMixedRuns(): Promise<void> {
  await writeText(
    root,
    INDEX,
    '\uFEFFtimestamp,run_id,manifest_id,symbol,mode,run_dir,equity,trades,wins,win_rate,total_pips\r\n' +
      '20251006_093000,r_a,m1,USDJPY,conservative,archive/r_a,100000,10,6,0.6,12.5\r\n' +
      '2025-10-08T12:00:00,r_b,m2,"EUR,USD",bridge,,,NaN,None,,\r\n' +
      '20251010_220000,r_c,m3,USDJPY,,,,,,,\r\n',
  );
  await writeText(
    root,
    'archive/r_a/daily.csv',
    'date,breakouts,fills,wins,pnl_pips\n2025-10-06,3,2,1,1.5\n2025-10-07,4,0,0,-2\n',
  );
  await writeText(
    root,
    'runs/r_b/daily.csv',
    'date,fills,wins,pnl_pips\r\n2025-10-09,1,1,3\r\n2025-10-08,,0,\r\n',
  );
}

describe('runs and daily.csv read alike by obs-weekly and obs-dashboard', () => {
  it('both give diagnostics.missing[] for a missing runs index', async () => {
    await rm(join(root, INDEX));
    const weekly = summaryOf(await runWeekly(), 1);
    const dashboard = summaryOf(await runDashboard(), 1);
    for (const summary of [weekly, dashboard]) {
      expect(summary.status).toBe('error');
      expect(summary.diagnostics).toMatchObject({ error_code: 'missing_input', missing: [INDEX] });
      expect(summary.diagnostics.error_message).toContain(INDEX);
    }
    expect(dashboard.diagnostics.dataset_errors.turnover).toMatchObject({ missing: [INDEX] });
  });

  it('read the same runs with the same values and the same days', async () => {
    await writeMixedRuns();
    const weekly = summaryOf(await runWeekly(), 0);
    summaryOf(await runDashboard(), 0);
    const weeklyRuns = (await readJson(weekly.artefacts[0])).runs as JsonDocument[];
    const turnover = (await readJson('out/dashboard/turnover.json')).rows as JsonDocument[];

    const fromWeekly = weeklyRuns.map((run) => ({
      run_id: run.run_id,
      at: Date.parse(run.timestamp),
      symbol: run.symbol,
      trades: run.trades,
      wins: run.wins,
      win_rate: run.win_rate,
      first_day: run.start_ts?.slice(0, 10) ?? null,
      last_day: run.end_ts?.slice(0, 10) ?? null,
    }));
    const fromDashboard = turnover.map((row) => ({
      run_id: row.run_id,
      at: Date.parse(row.timestamp),
      symbol: row.symbol,
      trades: row.trades,
      wins: row.wins,
      win_rate: row.win_rate,
      first_day: row.start_date,
      last_day: row.end_date,
    }));
    const byId = (a: { run_id: string }, b: { run_id: string }) => a.run_id.localeCompare(b.run_id);
    expect(fromWeekly.sort(byId)).toEqual(fromDashboard.sort(byId));
    expect(fromWeekly).toEqual([
      expect.objectContaining({ run_id: 'r_a', trades: 10, first_day: '2025-10-06', last_day: '2025-10-07' }),
      expect.objectContaining({
        run_id: 'r_b',
        symbol: 'EUR,USD',
        trades: null,
        wins: null,
        first_day: '2025-10-08',
      }),
      expect.objectContaining({ run_id: 'r_c', first_day: null }),
    ]);
    // the days behind the per-day figures are the same two days in both jobs
    expect(weeklyRuns.find((run) => run.run_id === 'r_b')?.turnover_per_day).toBe(0.5);
    expect(turnover.find((row) => row.run_id === 'r_b')).toMatchObject({ days: 2, avg_trades_per_day: 0.5 });
  });

  it('reject a bad index row at the same line and column, even one neither report shows', async () => {
    await writeText(
      root,
      INDEX,
      'run_id,timestamp,trades\nold_run,20250101_000000,3\nbroken,20250102_000000,-1\nr_new,20251008_101500,4\n',
    );
    const weekly = summaryOf(await runWeekly(), 1);
    const dashboard = summaryOf(await runDashboard(['--turnover-limit', '1']), 1);
    const where = { file: INDEX, line: 3, column: 'trades' };
    expect(weekly.diagnostics).toMatchObject({ error_code: 'invalid_input', ...where });
    expect(dashboard.diagnostics).toMatchObject({ error_code: 'invalid_input' });
    expect(dashboard.diagnostics.dataset_errors.turnover).toMatchObject({
      error_code: 'invalid_input',
      ...where,
    });
    expect(weekly.diagnostics.error_message).toContain('runs/index.csv:3, column trades');
    expect(dashboard.diagnostics.error_message).toContain('runs/index.csv:3, column trades');
  });

  it('reject a bad daily.csv cell at the same line and column', async () => {
    await writeMixedRuns();
    await writeText(root, 'runs/r_b/daily.csv', 'date,fills,pnl_pips\n2025-10-08,1,0\n2025-10-09,two,1\n');
    const weekly = summaryOf(await runWeekly(), 1);
    const dashboard = summaryOf(await runDashboard(), 1);
    const where = { file: 'runs/r_b/daily.csv', line: 3, column: 'fills' };
    expect(weekly.diagnostics).toMatchObject({ error_code: 'invalid_input', ...where });
    expect(dashboard.diagnostics.dataset_errors.turnover).toMatchObject({
      error_code: 'invalid_input',
      ...where,
    });
  });
});
