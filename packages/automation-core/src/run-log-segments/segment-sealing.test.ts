import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withLock } from '../file-lock.js';
import { JobError } from '../job-error.js';
import { appendRunLog, type UnsequencedEntry } from '../run-log.js';
import { finishInterruptedSeal } from './interrupted-seal.js';
import { forEachRunLogLine, runLogFiles } from './run-log-lines.js';
import { readSegmentManifest, sealedThrough } from './segment-manifest.js';
import { applySegmentRetention } from './segment-retention.js';
import { sealRunLog } from './segment-sealing.js';

const NOW = new Date('2026-02-03T04:05:06.000Z');
let root: string;
let logFile: string;
let sequenceFile: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'core-segments-'));
  logFile = join(root, 'ops/automation_runs.log');
  sequenceFile = join(root, 'ops/automation_runs.sequence');
  await mkdir(join(root, 'ops'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

function entry(index: number): UnsequencedEntry {
  return {
    job_id: `20260203T04${String(index).padStart(4, '0')}Z-latency`,
    job_name: 'latency',
    status: 'ok',
    started_at: NOW.toISOString(),
    duration_ms: 5,
    attempts: 1,
    artefacts: [],
    alerts: [],
    diagnostics: { note: 'x'.repeat(200) },
    context: { commit_sha: 'abc123', environment: 'production', scheduler: 'cron' },
  };
}

async function appendEntries(from: number, count: number, at: Date = NOW): Promise<void> {
  for (let index = from; index < from + count; index += 1) {
    await appendRunLog(entry(index), { logFile, sequenceFile, now: () => at, root });
  }
}

const seal = (size: number, now = NOW) =>
  withLock(`${logFile}.lock`, 5000, () => sealRunLog(logFile, size, now));

async function allSequences(): Promise<number[]> {
  const sequences: number[] = [];
  await forEachRunLogLine(runLogFiles(root, logFile), (line) => {
    sequences.push((JSON.parse(line.text as string) as { sequence: number }).sequence);
  });
  return sequences;
}

const range = (first: number, last: number) => Array.from({ length: last - first + 1 }, (_, i) => first + i);

describe('sealRunLog', () => {
  it('moves the open log into a listed gzip segment and numbering continues from it', async () => {
    await appendEntries(1, 40);
    const before = await readFile(logFile);
    const outcome = await seal(before.length);
    expect(outcome?.segment).toMatchObject({ first_sequence: 1, last_sequence: 40, lines: 40 });
    expect(gunzipSync(await readFile(outcome?.path as string)).equals(before)).toBe(true);
    expect((await stat(logFile)).size).toBe(0);
    await rm(sequenceFile);
    await appendEntries(41, 2);
    expect(await allSequences()).toEqual(range(1, 42));
  });

  it('keeps what was appended after the verified size in the open log', async () => {
    await appendEntries(1, 10);
    const verified = (await stat(logFile)).size;
    await appendEntries(11, 3);
    await seal(verified);
    const open = (await readFile(logFile, 'utf8')).trim().split('\n');
    expect(open.map((line) => JSON.parse(line).sequence)).toEqual([11, 12, 13]);
    expect(await allSequences()).toEqual(range(1, 13));
  });

  it('writes the last lines as a gzip member of their own, read from tail_offset alone', async () => {
    const lines = range(1, 1200).map((sequence) =>
      JSON.stringify({ ...entry(sequence), sequence, logged_at: NOW.toISOString() }),
    );
    await writeFile(logFile, `${lines.join('\n')}\n`);
    const outcome = await seal((await stat(logFile)).size);
    const segment = outcome?.segment;
    expect(segment?.tail_offset).toBeGreaterThan(0);
    const tail = gunzipSync((await readFile(outcome?.path as string)).subarray(segment?.tail_offset));
    const tailLines = tail.toString().trim().split('\n');
    expect(JSON.parse(tailLines.at(-1) as string).sequence).toBe(1200);
    expect(tail.length).toBeLessThanOrEqual(256 * 1024);
  });

  it('removes a segment file no manifest line lists before sealing again', async () => {
    await appendEntries(1, 5);
    await mkdir(join(root, 'ops/automation_runs'));
    await writeFile(join(root, 'ops/automation_runs/000000000001_000000000004.log.gz'), 'orphan');
    const outcome = await seal((await stat(logFile)).size);
    expect(outcome?.removedUnlisted).toEqual(['000000000001_000000000004.log.gz']);
    expect((await readdir(join(root, 'ops/automation_runs'))).sort()).toEqual([
      '000000000001_000000000005.log.gz',
      'manifest.jsonl',
    ]);
  });
});

describe('finishInterruptedSeal', () => {
  it('drops exactly the sealed bytes from an open log a killed seal left whole', async () => {
    await appendEntries(1, 6);
    const sealedLog = await readFile(logFile);
    await seal(sealedLog.length);
    // As if killed after the manifest line: the open log still holds what was sealed, and the
    // next writer appends behind it.
    await writeFile(logFile, sealedLog);
    await appendEntries(7, 1);
    expect(await allSequences()).toEqual(range(1, 7));
  });

  it('leaves an overlap that is not the sealed bytes for obs-verify to report', async () => {
    await appendEntries(1, 3);
    await seal((await stat(logFile)).size);
    const line = `${JSON.stringify({ ...entry(9), sequence: 2, logged_at: NOW.toISOString() })}\n`;
    await writeFile(logFile, line);
    const manifest = await readSegmentManifest(join(root, 'ops/automation_runs/manifest.jsonl'), 'manifest');
    expect(await finishInterruptedSeal(logFile, manifest)).toBe('overlap');
    expect(await readFile(logFile, 'utf8')).toBe(line);
  });
});

describe('forEachRunLogLine', () => {
  it('refuses a segment whose SHA-256 differs from its manifest line', async () => {
    await appendEntries(1, 3);
    const outcome = await seal((await stat(logFile)).size);
    await appendFile(outcome?.path as string, Buffer.from([0]));
    const error = await allSequences().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(JobError);
    expect((error as JobError).code).toBe('segment_hash_mismatch');
  });

  it('refuses a manifest line it cannot trust', async () => {
    await mkdir(join(root, 'ops/automation_runs'));
    await writeFile(
      join(root, 'ops/automation_runs/manifest.jsonl'),
      `${JSON.stringify({ event: 'sealed', file: '../../etc/passwd', first_sequence: 1, last_sequence: 2 })}\n`,
    );
    const error = await allSequences().catch((caught: unknown) => caught);
    expect((error as JobError).code).toBe('segment_manifest_invalid');
  });
});

describe('applySegmentRetention', () => {
  it('records each deletion before removing the oldest segments, and numbering never restarts', async () => {
    const old = new Date('2024-01-01T00:00:00Z');
    await appendEntries(1, 3, old);
    await seal((await stat(logFile)).size, old);
    await appendEntries(4, 3);
    await seal((await stat(logFile)).size);
    const deleted = await applySegmentRetention(logFile, root, 400, NOW);
    expect(deleted.map((segment) => segment.path)).toEqual([
      'ops/automation_runs/000000000001_000000000003.log.gz',
    ]);
    const manifest = await readSegmentManifest(join(root, 'ops/automation_runs/manifest.jsonl'), 'manifest');
    expect(manifest.live.map((segment) => segment.file)).toEqual(['000000000004_000000000006.log.gz']);
    expect(sealedThrough(manifest)).toBe(6);
    await appendEntries(7, 1);
    expect(await allSequences()).toEqual(range(4, 7));
  });
});
