import { cp, readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, makeWorkspace, REPO_ROOT, runProcess } from '../support/cli-process.js';
import { NOW, writeDailyInputs } from './support/daily-workspace.js';

const OPEN_COUNTER = join(REPO_ROOT, 'tests/support/open-counter.mjs');
/** Files the chain rewrites and a later job of the same chain reads back. */
const REWRITTEN_AND_READ_BACK = [
  'ops/signal_latency_rollup.csv',
  'ops/latency_job_heartbeat.json',
  'ops/weekly_report_heartbeat.json',
];
/** Re-read on purpose at each log entry, under the log lock: another process may have appended. */
const READ_AT_EACH_ENTRY = ['ops/automation_runs.log', 'ops/automation_runs.sequence'];

let root: string;
let cleanup: () => Promise<void>;
/** Successful opens for reading during one steady-state chain, by root-relative path. */
let opens: Record<string, number>;
let inputsBefore: string[];

async function filesUnder(dir: string, base = dir): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? filesUnder(join(dir, entry.name), base) : [relative(base, join(dir, entry.name))],
    ),
  );
  return nested.flat();
}

async function runChain(countsFile?: string) {
  const args = ['--observability', '--dry-run', '--root', root, '--now', NOW];
  const env = cleanEnv(countsFile ? { OBS_TEST_OPEN_COUNTS: countsFile } : {});
  return countsFile
    ? runProcess(process.execPath, ['--import', OPEN_COUNTER, BIN.daily, ...args], { env })
    : runProcess(process.execPath, [BIN.daily, ...args], { env });
}

beforeAll(async () => {
  ({ root, cleanup } = await makeWorkspace('obs-daily-reads-'));
  await writeDailyInputs(root);
  await cp(join(REPO_ROOT, 'configs'), join(root, 'configs'), { recursive: true });
  // the steady state: a chain has run before, so every job also finds its previous files
  const first = await runChain();
  expect(first.exitCode, first.stderr).toBe(0);
  inputsBefore = await filesUnder(root);
  const countsFile = join(root, 'open-counts.json');
  const counted = await runChain(countsFile);
  expect(counted.exitCode, counted.stderr).toBe(0);
  const absolute = JSON.parse(await readFile(countsFile, 'utf8')) as Record<string, number>;
  opens = Object.fromEntries(
    Object.entries(absolute)
      .filter(([path]) => path.startsWith(`${root}/`))
      .map(([path, count]) => [relative(root, path), count]),
  );
}, 120_000);

afterAll(async () => {
  await cleanup();
});

describe('obs-daily reads each shared input once per chain', () => {
  it('opens every input no job rewrites exactly once, whichever jobs read it', () => {
    const shared = ['runs/index.csv', 'configs/observability/weekly_payload.yaml'];
    for (const path of shared) expect(opens[path], path).toBe(1);
    expect(inputsBefore.filter((path) => path.endsWith('daily.csv')).length).toBeGreaterThan(0);
    const rewritten = new Set([...REWRITTEN_AND_READ_BACK, ...READ_AT_EACH_ENTRY]);
    const readMoreThanOnce = Object.entries(opens).filter(
      ([path, count]) => inputsBefore.includes(path) && !rewritten.has(path) && count > 1,
    );
    // files a job rewrites before another reads them again (the raw samples, the archive
    // manifest, a previous export) are each read once per version
    expect(readMoreThanOnce.filter(([path]) => !/^ops\/signal_latency(\.csv|_archive\/)/.test(path))).toEqual(
      [],
    );
  });

  it('hands a file one job rewrote to every later job with one read', () => {
    // each is read by its writer before it rewrites it, then once after, whatever the readers
    for (const path of REWRITTEN_AND_READ_BACK) expect(opens[path], path).toBe(2);
  });
});
