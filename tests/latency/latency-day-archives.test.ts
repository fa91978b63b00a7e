import { appendFile, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ageLeftLocks } from '../../scripts/soak/left-locks.mjs';
import { BIN, cleanEnv, copyWorkspace, makeWorkspace, runCli } from '../support/cli-process.js';
import { countedArchives } from '../support/counted-archives.js';
import {
  archiveFiles,
  DAY,
  type JsonDocument,
  MANIFEST,
  MINUTE,
  readJsonLines,
  readRollupRows,
  runLatency,
  sampleLine,
  series,
  storedRows,
  writeRaw,
  writeText,
} from './latency-run.js';

const DAY_START = Date.parse('2026-07-06T00:00:00Z');
const DAY_ARCHIVE = 'ops/signal_latency_archive/2026/07/2026-07-06.csv.gz';
const SOURCES = ['router_a', 'router_b', 'router_c'];

const at = (ms: number) => new Date(ms).toISOString();
/** Runs every 15 minutes from midnight to 05:45: enough to show a day’s runs share one archive. */
const RUNS_OF_A_QUARTER_DAY = 24;

/** 15 days of 10-minute samples from three sources, each with its own id, up to `endMs`. */
async function writeHistory(root: string, endMs: number): Promise<void> {
  const samples = series(endMs - 15 * DAY, endMs, 10, (_at, index) => 80 + (index % 40)).flatMap(
    (sample, index) => SOURCES.map((source) => ({ ...sample, source, detail: `id-${index}-${source}` })),
  );
  await writeRaw(root, samples);
}

/** Appends one sample per source measured a minute before `nowMs`, as a feeder would. */
async function feed(root: string, nowMs: number): Promise<void> {
  const lines = SOURCES.map((source) =>
    sampleLine({
      at: nowMs - MINUTE,
      latency: 100 + ((nowMs / MINUTE) % 50),
      source,
      detail: `fed-${nowMs}-${source}`,
    }),
  );
  await appendFile(join(root, 'ops/signal_latency.csv'), `${lines.join('\n')}\n`);
}

/** obs-verify tracing one job: the log, the sequence and the trace (archives re-hashed) must pass. */
async function expectTraceVerifies(root: string, jobId: string, now: string): Promise<void> {
  const result = await runCli(
    BIN.verify,
    ['--root', root, '--now', now, '--job-id', jobId, '--heartbeat', 'ops/latency_job_heartbeat.json'],
    { env: cleanEnv() },
  );
  const checks = Object.fromEntries(
    (result.json().checks as { name: string; status: string }[]).map((check) => [check.name, check.status]),
  );
  expect({ jobId, ...checks }).toMatchObject({
    jobId,
    log_schema: 'pass',
    sequence: 'pass',
    job_trace: 'pass',
  });
}

function runCompact(root: string, args: readonly string[] = [], env: NodeJS.ProcessEnv = {}) {
  return runCli(BIN.latency, ['compact-archives', '--root', root, ...args], { env: cleanEnv(env) });
}

/**
 * An archive folder as obs-latency wrote it before day archives: one `<job_id>.csv.gz` per run
 * that expired rows, each with a manifest line covering the whole file. Made by the real job
 * (an unlisted file where the day archive belongs sends every rotation to a per-run archive),
 * then the lines are given their former shape.
 */
async function writePerRunLayout(root: string, runs: number, startMs: number): Promise<string[]> {
  const jobIds: string[] = [];
  for (let run = 0; run < runs; run += 1) {
    const nowMs = startMs + run * 15 * MINUTE;
    await writeText(
      root,
      `ops/signal_latency_archive/2026/07/${at(nowMs).slice(0, 10)}.csv.gz`,
      'not listed',
    );
    const result = await runLatency(root, ['--now', at(nowMs)]);
    expect(result.exitCode).toBe(0);
    jobIds.push(result.json().job_id);
  }
  const lines = await readJsonLines(root, MANIFEST);
  await writeText(
    root,
    MANIFEST,
    lines.map(({ bytes: _bytes, ...line }) => `${JSON.stringify(line)}\n`).join(''),
  );
  for (const day of ['2026-07-05', '2026-07-06']) {
    await rm(join(root, `ops/signal_latency_archive/2026/07/${day}.csv.gz`), { force: true });
  }
  return jobIds;
}

describe('latency archives by UTC day', () => {
  it('puts a quarter of a day of runs (24) into one day archive that verifies, with rollups equal to a recomputation', {
    timeout: 240_000,
  }, async () => {
    const { root, cleanup } = await makeWorkspace('obs-latency-day-');
    try {
      await writeHistory(root, DAY_START);
      let written = await storedRows(root);
      const jobIds: string[] = [];
      for (let run = 0; run < RUNS_OF_A_QUARTER_DAY; run += 1) {
        const nowMs = DAY_START + run * 15 * MINUTE;
        await feed(root, nowMs);
        const result = await runLatency(root, ['--now', at(nowMs)]);
        expect(result.exitCode).toBe(0);
        jobIds.push(result.json().job_id);
      }
      written = [...written, ...(await storedRows(root)).filter((row) => row.includes(',fed-'))].sort();
      // Every sample once: the history, and what was fed during the day.
      const stored = await storedRows(root);
      expect(stored.filter((row) => !row.includes(',fed-'))).toEqual(
        written.filter((row) => !row.includes(',fed-')),
      );
      expect(stored.filter((row) => row.includes(',fed-'))).toHaveLength(
        RUNS_OF_A_QUARTER_DAY * SOURCES.length,
      );
      // One file for the day (a per-run archive each before), one manifest line per change.
      expect(await archiveFiles(root)).toEqual([DAY_ARCHIVE]);
      const lines = await readJsonLines(root, MANIFEST);
      expect(lines).toHaveLength(RUNS_OF_A_QUARTER_DAY);
      expect(new Set(lines.map((line) => line.path))).toEqual(new Set([DAY_ARCHIVE]));
      for (const jobId of [jobIds[0], jobIds[11], jobIds[23]] as string[]) {
        await expectTraceVerifies(root, jobId, at(DAY_START + DAY));
      }
      // The rollups of the day equal a recomputation from every stored sample.
      const counts = new Map<string, number>();
      for (const row of stored) {
        const hour = `${row.slice(0, 13)}:00:00Z`;
        counts.set(hour, (counts.get(hour) ?? 0) + 1);
      }
      const rollup = await readRollupRows(root);
      expect(rollup.length).toBeGreaterThan(24 * 13);
      for (const row of rollup)
        expect({ hour: row.hour_utc, count: Number(row.count) }).toEqual({
          hour: row.hour_utc,
          count: counts.get(row.hour_utc as string),
        });
    } finally {
      await cleanup();
    }
  });

  it('keeps an old per-run layout verifying, and compact-archives folds it with no sample lost', {
    timeout: 120_000,
  }, async () => {
    const { root, cleanup } = await makeWorkspace('obs-latency-compact-');
    try {
      await writeHistory(root, DAY_START - 2 * 60 * MINUTE);
      const jobIds = await writePerRunLayout(root, 12, DAY_START - 90 * MINUTE);
      const before = await storedRows(root);
      const archivedSamples = (await countedArchives(root)).reduce((sum, line) => sum + line.row_count, 0);
      const perRun = await archiveFiles(root);
      expect(perRun).toHaveLength(12);
      for (const jobId of [jobIds[0], jobIds[11]] as string[])
        await expectTraceVerifies(root, jobId, at(DAY_START));

      const dry = await runCompact(root, ['--dry-run', '--now', at(DAY_START + 60 * MINUTE)]);
      expect(dry.json()).toMatchObject({
        status: 'dry_run',
        archives_folded: 12,
        archives_before: 12,
        archives_after: 12,
      });
      expect(await archiveFiles(root)).toEqual(perRun);

      const compacted = await runCompact(root, ['--now', at(DAY_START + 60 * MINUTE)]);
      expect(compacted.exitCode).toBe(0);
      expect(compacted.json()).toMatchObject({
        status: 'ok',
        archives_folded: 12,
        day_archives_written: 2,
        archives_before: 12,
        archives_after: 2,
        samples_folded: archivedSamples,
      });
      expect(await storedRows(root)).toEqual(before);
      expect(await archiveFiles(root)).toEqual([
        'ops/signal_latency_archive/2026/07/2026-07-05.csv.gz',
        'ops/signal_latency_archive/2026/07/2026-07-06.csv.gz',
      ]);
      // The runs that wrote the folded archives still verify: their deletion is on record.
      for (const jobId of [jobIds[0], jobIds[11]] as string[])
        await expectTraceVerifies(root, jobId, at(DAY_START + DAY / 2));
      // The next run appends to the day archive compaction wrote, and verifies.
      await feed(root, DAY_START + 75 * MINUTE);
      const next = await runLatency(root, ['--now', at(DAY_START + 75 * MINUTE)]);
      // No archive issue: the window cut by retention is read back from the compacted day archive.
      // (Its stale-data alert has no receiver in this workspace: that is the notification's code.)
      const { archives_read_back, warnings } = next.json().diagnostics;
      expect({ archives_read_back, warnings }).toEqual({ archives_read_back: 1, warnings: undefined });
      await expectTraceVerifies(root, next.json().job_id, at(DAY_START + DAY / 2));
      expect(await archiveFiles(root)).toHaveLength(2);
      // A second compaction has nothing left to fold.
      expect((await runCompact(root, ['--now', at(DAY_START + 80 * MINUTE)])).json()).toMatchObject({
        status: 'ok',
        archives_folded: 0,
      });
    } finally {
      await cleanup();
    }
  });
});

const COMPACTION_POINTS = [
  ['compaction:after-journal', 'rolled_back'],
  ['compaction:mid-append', 'rolled_back'],
  ['compaction:after-append', 'rolled_back'],
  ['compaction:after-manifest-line', 'rolled_forward'],
  ['compaction:after-deletion-records', 'rolled_forward'],
  ['compaction:after-first-delete', 'rolled_forward'],
] as const;

describe('the archive manifest checkpoint', () => {
  /** A line of an archive written long ago: listed, never read back (no raw window overlaps it). */
  const oldLine = (index: number) =>
    JSON.stringify({
      job_id: `20260501T${String(index % 24).padStart(2, '0')}0000Z-latency`,
      path: `ops/signal_latency_archive/2026/05/2026-05-${String(1 + (index % 28)).padStart(2, '0')}.csv.gz`,
      sha256: index.toString(16).padStart(64, '0'),
      row_count: 3,
      first_ts: '2026-04-01T00:00:00.000Z',
      last_ts: '2026-04-01T00:10:00.000Z',
      reason: 'retention',
      rotated_at: '2026-05-01T00:00:00.000Z',
    });
  const warningsOf = (result: { json(): JsonDocument }): string[] =>
    (result.json().diagnostics?.warnings ?? []) as string[];

  it('is written after a day of lines, carries the manifest’s issues, and gives way to a full read when the manifest changed', {
    timeout: 60_000,
  }, async () => {
    const { root, cleanup } = await makeWorkspace('obs-latency-checkpoint-');
    try {
      await writeHistory(root, DAY_START);
      const lines = Array.from({ length: 120 }, (_, index) => oldLine(index));
      lines[2] = '{"torn":';
      await writeText(root, MANIFEST, `${lines.join('\n')}\n`);
      const checkpoint = join(root, `${MANIFEST}.checkpoint.json`);

      const first = await runLatency(root, ['--now', at(DAY_START)]);
      expect(first.exitCode).toBe(0);
      expect(warningsOf(first)).toContainEqual(expect.stringContaining(`${MANIFEST}: line 3:`));
      const saved = JSON.parse(await readFile(checkpoint, 'utf8'));
      expect(saved).toMatchObject({ version: 1, manifest_lines: 120 });

      await feed(root, DAY_START + 15 * MINUTE);
      const second = await runLatency(root, ['--now', at(DAY_START + 15 * MINUTE)]);
      expect(second.exitCode).toBe(0);
      expect(warningsOf(second).filter((warning) => warning.startsWith(MANIFEST))).toEqual(
        warningsOf(first).filter((warning) => warning.startsWith(MANIFEST)),
      );

      // a line changed in place (same length): the checkpoint no longer matches, the run reads it all
      const text = await readFile(join(root, MANIFEST), 'utf8');
      const tenth = text.split('\n')[9] as string;
      await writeText(root, MANIFEST, text.replace(tenth, `[${tenth.slice(1)}`));
      await feed(root, DAY_START + 30 * MINUTE);
      const third = await runLatency(root, ['--now', at(DAY_START + 30 * MINUTE)]);
      expect(third.exitCode).toBe(0);
      expect(warningsOf(third)).toContainEqual(expect.stringContaining(`${MANIFEST}: line 10:`));
      expect(warningsOf(third)).toContainEqual(expect.stringContaining(`${MANIFEST}: line 3:`));
    } finally {
      await cleanup();
    }
  });
});

describe('obs-latency compact-archives killed at each write step', () => {
  // Every test of a group starts from the same workspace, made by real runs: it is built once
  // here and each test works on its own copy.
  /** The per-run layout of 3 runs that each killed compaction folds. */
  let perRunLayout: { root: string; cleanup: () => Promise<void>; jobIds: string[] };
  /** A day archive written by a run at midnight, which each killed rotation appends to. */
  let dayArchive: { root: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    const buildPerRunLayout = async () => {
      const workspace = await makeWorkspace('obs-latency-compact-template-');
      await writeHistory(workspace.root, DAY_START - 60 * MINUTE);
      const jobIds = await writePerRunLayout(workspace.root, 3, DAY_START - 30 * MINUTE);
      return { ...workspace, jobIds };
    };
    const buildDayArchive = async () => {
      const workspace = await makeWorkspace('obs-latency-append-template-');
      await writeHistory(workspace.root, DAY_START);
      await runLatency(workspace.root, ['--now', at(DAY_START)]);
      return workspace;
    };
    [perRunLayout, dayArchive] = await Promise.all([buildPerRunLayout(), buildDayArchive()]);
  });
  afterAll(async () => {
    await perRunLayout?.cleanup();
    await dayArchive?.cleanup();
  });

  it.concurrent.each(COMPACTION_POINTS)(
    'loses and doubles no sample when killed at %s; the next run finishes it (%s)',
    { timeout: 120_000 },
    async (point, action) => {
      const { root, cleanup } = await copyWorkspace(perRunLayout.root, 'obs-latency-compact-crash-');
      const { jobIds } = perRunLayout;
      try {
        const before = await storedRows(root);
        const args = ['--now', at(DAY_START + 60 * MINUTE), '--lock-stale-seconds', '1'];
        const killed = await runCompact(root, args, { OBS_FAULT_POINT: point });
        expect(killed.signal).toBe('SIGKILL');
        // Whatever instant it died at, the manifest counts every sample exactly once.
        expect(await storedRows(root)).toEqual(before);
        await ageLeftLocks(root);
        const rerun = await runCompact(root, args);
        expect(rerun.exitCode).toBe(0);
        expect(rerun.json().diagnostics.compaction_recovery).toMatchObject({ action });
        expect(await storedRows(root)).toEqual(before);
        expect((await archiveFiles(root)).every((path) => /\d{4}-\d{2}-\d{2}\.csv\.gz$/.test(path))).toBe(
          true,
        );
        const leftovers = (await readdir(join(root, 'ops'), { recursive: true })).filter(
          (name) => name.includes('.tmp-') || name.endsWith('.compaction.json'),
        );
        expect(leftovers).toEqual([]);
        for (const jobId of jobIds) await expectTraceVerifies(root, jobId, at(DAY_START + DAY / 2));
      } finally {
        await cleanup();
      }
    },
  );

  it.concurrent.each([
    ['latency:mid-archive-append', 'rolled_back'],
    ['latency:after-archive-write', 'rolled_back'],
    ['latency:after-manifest-append', 'rolled_forward'],
  ] as const)(
    'a rotation appending to an existing day archive killed at %s loses nothing (%s)',
    { timeout: 60_000 },
    async (point, action) => {
      const { root, cleanup } = await copyWorkspace(dayArchive.root, 'obs-latency-append-crash-');
      try {
        const sizeBefore = (await readFile(join(root, DAY_ARCHIVE))).length;
        const written = await storedRows(root);
        const args = ['--now', at(DAY_START + 15 * MINUTE), '--lock-stale-seconds', '1'];
        const killed = await runLatency(root, args, { OBS_FAULT_POINT: point });
        expect(killed.signal).toBe('SIGKILL');
        const afterKill = new Set(await storedRows(root));
        expect(written.filter((row) => !afterKill.has(row))).toEqual([]);
        await ageLeftLocks(root);
        const rerun = await runLatency(root, args);
        expect(rerun.json().diagnostics.rotation_recovery).toMatchObject({ action });
        expect(await storedRows(root)).toEqual(written);
        expect((await readFile(join(root, DAY_ARCHIVE))).length).toBeGreaterThan(sizeBefore);
        expect(await archiveFiles(root)).toEqual([DAY_ARCHIVE]);
        await expectTraceVerifies(root, rerun.json().job_id, at(DAY_START + DAY / 2));
      } finally {
        await cleanup();
      }
    },
  );
});
