import { existsSync, lstatSync } from 'node:fs';
import { appendFile, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  changeDashboardInputs,
  type JsonDocument,
  NOW,
  nowPlus,
  writeDashboardWorkspace,
} from '../dashboard/support/dashboard-run.js';
import { exportDashboard, HISTORY } from '../dashboard/support/history-inspection.js';
import { BIN, cleanEnv, copyWorkspace, makeWorkspace, runCli } from '../support/cli-process.js';

const RECORD = 'ops/automation_runs/dashboard-history-verification.json';

interface Night {
  /** the dashboard_manifest check's failures */
  failures: { error_code: string; message: string }[];
  record: JsonDocument;
}

/** The nightly obs-verify at `now`: only its dashboard_manifest check matters here (the workspace has no chain). */
async function nightly(root: string, now: string, args: readonly string[] = []): Promise<Night> {
  const result = await runCli(BIN.verify, ['--root', root, '--now', now, ...args], { env: cleanEnv() });
  const report = result.json();
  const check = report.checks.find((item: JsonDocument) => item.name === 'dashboard_manifest');
  return {
    failures: report.failures
      .filter((failure: JsonDocument) => failure.check === 'dashboard_manifest')
      .map(({ error_code, message }: JsonDocument) => ({ error_code, message })),
    record: check.details.history_record,
  };
}

/** A night with no failure in the history that read, and took from the record, what `expected` says. */
async function expectCleanNight(root: string, now: string, expected: JsonDocument): Promise<Night> {
  const night = await nightly(root, now);
  expect(night.failures).toEqual([]);
  expect(night.record).toMatchObject(expected);
  return night;
}

/** A night taken from the record finds exactly what a full read finds. */
async function expectSameAsFull(root: string, now: string): Promise<Night> {
  const incremental = await nightly(root, now);
  const full = await nightly(root, now, ['--full']);
  expect(full.record.mode).toBe('full');
  expect(full.record.bundles_from_record).toBe(0);
  expect(incremental.failures).toEqual(full.failures);
  return incremental;
}

describe('obs-verify nightly on the dashboard history, with its verification record', () => {
  // Two kept bundles (A, then B after an input change) and two references (one to each) on the
  // same day, verified once: the starting point of every test, copied.
  let template = '';
  const jobIds: string[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    const made = await makeWorkspace('obs-verify-history-');
    template = made.root;
    cleanups.push(made.cleanup);
    await writeDashboardWorkspace(template);
    jobIds.push((await exportDashboard(template, NOW)).job_id);
    jobIds.push((await exportDashboard(template, nowPlus(0, 15))).job_id);
    await changeDashboardInputs(template, 5);
    jobIds.push((await exportDashboard(template, nowPlus(0, 30))).job_id);
    jobIds.push((await exportDashboard(template, nowPlus(0, 45))).job_id);
  }, 120_000);

  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  const workspace = async () => {
    const copy = await copyWorkspace(template, 'obs-verify-history-case-');
    cleanups.push(copy.cleanup);
    return copy.root;
  };

  it('reads each bundle and day file once, then takes them from the record until they change', async () => {
    const root = await workspace();
    const first = await expectCleanNight(root, nowPlus(0, 60), {
      mode: 'full',
      bundles_read: 2,
      reference_files_read: 1,
      reference_files_from_record: 0,
    });
    expect(first.record.problem).toBeUndefined();
    await expectCleanNight(root, nowPlus(0, 75), {
      mode: 'incremental',
      bundles_read: 0,
      bundles_from_record: 2,
      reference_files_from_record: 1,
    });

    // A new run adds a reference and a new bundle: only what is new is read.
    await changeDashboardInputs(root, 6);
    await exportDashboard(root, nowPlus(0, 90));
    await expectCleanNight(root, nowPlus(0, 95), {
      bundles_read: 1,
      bundles_from_record: 2,
      reference_files_read: 0,
    });

    // A folder that is not a valid bundle is never recorded: found on every night.
    const broken = join(root, HISTORY, '20261124T235900Z-dashboard');
    await mkdir(broken);
    await writeFile(join(broken, 'manifest.json'), '{"sequence": "one"}\n');
    for (const minutes of [100, 105]) {
      const night = await expectSameAsFull(root, nowPlus(0, minutes));
      expect(night.failures.map((failure) => failure.error_code)).toEqual(['history_bundle_invalid']);
      expect(night.failures[0]?.message).toContain('20261124T235900Z-dashboard');
    }
    await rm(broken, { recursive: true });
    expect((await nightly(root, nowPlus(0, 110))).failures).toEqual([]);
  }, 120_000);

  it('finds a kept bundle whose content changed under a recorded reference, and a day file changed in place or appended to', async () => {
    const root = await workspace();
    expect((await nightly(root, nowPlus(0, 60))).failures).toEqual([]);
    const dataset = join(root, HISTORY, jobIds[0] as string, 'latency.json');
    const original = await readFile(dataset);
    await writeFile(dataset, original.toString('utf8').replace('"count"', '"count" '));
    const changed = await expectSameAsFull(root, nowPlus(0, 65));
    expect(changed.failures.map((failure) => failure.error_code)).toEqual(['checksum_mismatch']);
    expect(changed.failures[0]?.message).toContain(jobIds[1]);
    await writeFile(dataset, original);
    expect((await nightly(root, nowPlus(0, 70))).failures).toEqual([]);

    // A recorded day file changed in place, size unchanged: read again, line by line.
    const dayFile = join(root, HISTORY, 'references', '2026-11-24.jsonl');
    const lines = await readFile(dayFile, 'utf8');
    const recorded = JSON.parse(lines.split('\n')[0] as string).content_sha256 as string;
    const forged = `${recorded.slice(0, -1)}${recorded.endsWith('0') ? '1' : '0'}`;
    await writeFile(dayFile, lines.replace(recorded, forged));
    const inPlace = await expectSameAsFull(root, nowPlus(0, 72));
    expect(inPlace.record.reference_files_read).toBe(1);
    expect(inPlace.failures.map((failure) => failure.error_code)).toEqual(['checksum_mismatch']);
    expect(inPlace.failures[0]?.message).toContain(forged);
    await writeFile(dayFile, lines);

    // A line appended to a recorded day file changes its bytes: it is read again, line by line.
    await appendFile(dayFile, 'not json\n');
    const appended = await expectSameAsFull(root, nowPlus(0, 75));
    expect(appended.record.reference_files_read).toBe(1);
    expect(appended.failures.map((failure) => failure.error_code)).toEqual(['history_bundle_invalid']);
    expect(appended.failures[0]?.message).toContain('2026-11-24.jsonl:3');
  }, 120_000);

  it('judges the sequence and retention from the record as from the manifests', async () => {
    const root = await workspace();
    expect((await nightly(root, nowPlus(0, 60))).failures).toEqual([]);
    // A manifest set back below the history's sequence: found through the recorded sequences.
    const manifest = join(root, 'out/dashboard/manifest.json');
    const current = await readFile(manifest, 'utf8');
    await writeFile(manifest, JSON.stringify({ ...JSON.parse(current), sequence: 1 }, null, 2));
    const regressed = await expectSameAsFull(root, nowPlus(0, 65));
    expect(regressed.record).toMatchObject({ mode: 'incremental', bundles_from_record: 2 });
    expect(regressed.failures.map((failure) => failure.error_code)).toEqual(
      Array(3).fill('sequence_regressed'),
    );
    await writeFile(manifest, current);

    // 57 days later nothing was pruned (obs-dashboard did not run): the first bundle and its
    // reference are overdue; the newest run (the second reference) and its bundle are kept.
    expect((await nightly(root, nowPlus(52))).failures).toEqual([]);
    const late = await expectSameAsFull(root, nowPlus(57));
    expect(late.record).toMatchObject({ mode: 'incremental', bundles_from_record: 2 });
    expect(late.failures.map((failure) => failure.error_code)).toEqual(Array(2).fill('retention_violation'));
    expect(late.failures.map((failure) => failure.message).join('\n')).toContain(jobIds[0]);
  }, 120_000);

  it('finds a recorded bundle changed in place with --full or on the weekly full read, and reads everything without a usable record', async () => {
    const root = await workspace();
    await changeDashboardInputs(root, 6);
    const unreferenced = (await exportDashboard(root, nowPlus(0, 50))).job_id;
    await expectCleanNight(root, nowPlus(0, 60), { mode: 'full', last_full_read_at: nowPlus(0, 60) });
    const manifest = join(root, HISTORY, unreferenced, 'manifest.json');
    const original = await readFile(manifest);
    await writeFile(manifest, '{"sequence": "three"}\n');
    // Kept bundles are never rewritten: the record vouches for them until the whole history is read.
    await expectCleanNight(root, nowPlus(0, 65), { mode: 'incremental', last_full_read_at: nowPlus(0, 60) });
    const full = await nightly(root, nowPlus(0, 70), ['--full']);
    expect(full.failures.map((failure) => failure.error_code)).toEqual(['history_bundle_invalid']);
    // The full read recorded only what it found valid, so later nights find it too.
    const after = await nightly(root, nowPlus(0, 75));
    expect(after.failures.map((failure) => failure.error_code)).toEqual(['history_bundle_invalid']);
    expect(after.record).toMatchObject({
      mode: 'incremental',
      bundles_read: 1,
      last_full_read_at: nowPlus(0, 70),
    });

    // Repaired, recorded again, then changed again: found by the first night a week after the last full read.
    await writeFile(manifest, original);
    expect((await nightly(root, nowPlus(1))).failures).toEqual([]);
    await writeFile(manifest, '{"sequence": "three"}\n');
    expect((await nightly(root, nowPlus(7, 69))).failures).toEqual([]);
    const weekly = await nightly(root, nowPlus(7, 70));
    expect(weekly.record).toMatchObject({
      mode: 'full',
      bundles_from_record: 0,
      last_full_read_at: nowPlus(7, 70),
    });
    expect(weekly.failures.map((failure) => failure.error_code)).toEqual(['history_bundle_invalid']);
    await writeFile(manifest, original);

    // A malformed record: its reason is shown, everything is read, and a valid record replaces it.
    await writeFile(join(root, RECORD), '{"bundle_days": [{"day": "x"}], "reference_files": []}\n');
    const malformed = await nightly(root, nowPlus(7, 80));
    expect(malformed.record.problem).toContain('malformed');
    expect(malformed.record).toMatchObject({ bundles_read: 3, reference_files_read: 1 });
    expect((await nightly(root, nowPlus(7, 85))).record.problem).toBeUndefined();

    // A link is never followed, and the file it points to is left as it was.
    const outside = join(root, 'outside.json');
    await writeFile(outside, 'kept\n');
    await rm(join(root, RECORD));
    await symlink(outside, join(root, RECORD));
    const linked = await nightly(root, nowPlus(7, 90));
    expect(linked.record.problem).toBeDefined();
    expect(linked.record.bundles_read).toBe(3);
    expect(await readFile(outside, 'utf8')).toBe('kept\n');
    expect(lstatSync(join(root, RECORD)).isSymbolicLink()).toBe(false);
    expect(existsSync(join(root, RECORD))).toBe(true);

    // A folder in its place can be neither read nor replaced: both are said, the history still verified.
    await rm(join(root, RECORD));
    await mkdir(join(root, RECORD));
    const folder = await nightly(root, nowPlus(7, 95));
    expect(folder.failures).toEqual([]);
    expect(folder.record.problem).toMatch(/not a regular file.*could not be written/);
  }, 120_000);
});
