import { appendFile, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, makeWorkspace, runCli } from '../support/cli-process.js';
import { entriesByPlace, range, SEGMENT_MANIFEST, SEGMENTS } from './support/segment-workspace.js';
import {
  checkNamed,
  failureCodes,
  type JsonDocument,
  LOG,
  NOW,
  readJsonLines,
  runVerify,
  writeHealthyWorkspace,
} from './support/verify-workspace.js';

const MANIFEST = SEGMENT_MANIFEST;
const RECORD = `${SEGMENTS}/verification.json`;

let root: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ root, cleanup } = await makeWorkspace('obs-verify-segments-'));
});
afterEach(() => cleanup());

async function segmentFiles(): Promise<string[]> {
  return (await readdir(join(root, SEGMENTS))).filter((name) => name.endsWith('.log.gz')).sort();
}

/** Every line of the log in order: each sealed segment the manifest lists, then the open log. */
async function everyEntry(): Promise<JsonDocument[]> {
  const { sealed, open } = await entriesByPlace(root);
  return [...sealed, ...open];
}

const sequencesOf = (entries: JsonDocument[]) => entries.map((entry) => entry.sequence).filter(Boolean);
const segmentsCheck = (report: JsonDocument) => checkNamed(report, 'log_segments')[0] as JsonDocument;

/** A healthy workspace whose log is sealed by four nightly runs: segments 1–6, 7, 8, 9; the open log holds 10. */
async function sealFourTimes(): Promise<JsonDocument[]> {
  const written = await writeHealthyWorkspace(root, 6);
  for (let run = 0; run < 4; run += 1) {
    const result = await runVerify(root, ['--log-segment-bytes', '1']);
    expect(result.exitCode, result.stdout).toBe(0);
    expect(segmentsCheck(result.json()).details.sealed).not.toBeNull();
  }
  return written;
}

describe('obs-verify with a run log in sealed segments', () => {
  it('seals segments with gap-free sequences that every reader follows across', async () => {
    const written = await sealFourTimes();
    expect(await segmentFiles()).toEqual([
      '000000000001_000000000006.log.gz',
      '000000000007_000000000007.log.gz',
      '000000000008_000000000008.log.gz',
      '000000000009_000000000009.log.gz',
    ]);
    expect(sequencesOf(await everyEntry())).toEqual(range(1, 10));

    const nightly = await runVerify(root);
    expect(nightly.exitCode, nightly.stdout).toBe(0);
    const report = nightly.json();
    expect(checkNamed(report, 'sequence')[0]).toMatchObject({
      status: 'pass',
      details: { first: 1, last: 10 },
    });
    expect(segmentsCheck(report).details).toMatchObject({
      mode: 'incremental',
      segments: 4,
      segments_read: 0,
      segments_skipped_verified: 4,
      sealed: null,
    });
    expect(sequencesOf(await everyEntry())).toEqual(range(1, 11));
    const record = JSON.parse(await readFile(join(root, RECORD), 'utf8'));
    expect(record.segments.map((segment: JsonDocument) => segment.file)).toEqual(await segmentFiles());

    // --job-id finds a run that only a sealed segment holds
    const traced = written[2]?.job_id as string;
    const trace = await runVerify(root, ['--job-id', traced, '--require-job-entry']);
    expect(trace.exitCode, trace.stdout).toBe(0);
    expect(checkNamed(trace.json(), 'job_trace')[0]).toMatchObject({
      status: 'pass',
      details: {
        entries: [{ job_id: traced, file: `${SEGMENTS}/000000000001_000000000006.log.gz`, line: 3 }],
      },
    });

    // kpi counts every line of every segment and of the open log
    const kpi = await runVerify(root, ['kpi', '--since', '30d']);
    expect(kpi.exitCode, kpi.stdout).toBe(0);
    expect(kpi.json().log).toMatchObject({ lines: 12, corrupt_lines: 0 });

    // rebuild-log keeps the sealed segments and numbers the open log after them
    const rebuilt = await runVerify(root, ['rebuild-log', '--apply']);
    expect(rebuilt.exitCode, rebuilt.stdout).toBe(0);
    const summary = rebuilt.json();
    expect(summary.kept).toBe(3);
    expect(summary.reconstructed_jobs).not.toContain(traced);
    expect(sequencesOf(await everyEntry())).toEqual(range(1, summary.last_sequence + 1));
    expect((await runVerify(root)).exitCode).toBe(0);
  });

  it('reads only the open log on later nights, catches a tampered segment by its hash, and --full reads all', async () => {
    await sealFourTimes();
    const openBytes = (await stat(join(root, LOG))).size;
    const incremental = segmentsCheck((await runVerify(root)).json()).details;
    expect(incremental.bytes_read).toBe(openBytes);
    expect(incremental.read_files).toEqual([]);

    const openBeforeFull = (await stat(join(root, LOG))).size;
    const full = await runVerify(root, ['--full']);
    expect(full.exitCode, full.stdout).toBe(0);
    const fullDetails = segmentsCheck(full.json()).details;
    const manifest = await readJsonLines(root, MANIFEST);
    const sealedBytes = manifest.reduce((sum, line) => sum + line.source_bytes, 0);
    expect(fullDetails).toMatchObject({ mode: 'full', segments_read: 4, segments_skipped_verified: 0 });
    expect(fullDetails.bytes_read).toBe(sealedBytes + openBeforeFull);

    await appendFile(join(root, SEGMENTS, '000000000007_000000000007.log.gz'), Buffer.from([0]));
    const tampered = await runVerify(root);
    expect(tampered.exitCode).toBe(1);
    expect(failureCodes(tampered.json())).toContain('segment_hash_mismatch');
    expect(segmentsCheck(tampered.json()).status).toBe('fail');
  });

  it('re-reads a segment whose manifest hash was changed with it, and finds the bad line', async () => {
    await sealFourTimes();
    const file = '000000000008_000000000008.log.gz';
    const { gzipSync } = await import('node:zlib');
    const forged = gzipSync(Buffer.from('{"job_id": "torn\n'));
    await writeFile(join(root, SEGMENTS, file), forged);
    const { createHash } = await import('node:crypto');
    const lines = await readJsonLines(root, MANIFEST);
    const line = lines.find((item) => item.file === file) as JsonDocument;
    line.sha256 = createHash('sha256').update(forged).digest('hex');
    line.bytes = forged.length;
    line.source_bytes = 17;
    await writeFile(join(root, MANIFEST), `${lines.map((item) => JSON.stringify(item)).join('\n')}\n`);
    const result = await runVerify(root);
    expect(result.exitCode).toBe(1);
    const report = result.json();
    expect(segmentsCheck(report).details.read_files).toEqual([`${SEGMENTS}/${file}`]);
    expect(checkNamed(report, 'log_schema')[0]?.status).toBe('fail');
    expect(failureCodes(report)).toEqual(expect.arrayContaining(['log_schema_invalid', 'sequence_gap']));
  });

  it('keeps an old workspace with one big log working, writing no segment until it is due', async () => {
    await writeHealthyWorkspace(root, 6);
    const result = await runVerify(root);
    expect(result.exitCode, result.stdout).toBe(0);
    expect(segmentsCheck(result.json())).toMatchObject({
      status: 'pass',
      details: { segments: 0, sealed: null },
    });
    expect(await segmentFiles()).toEqual([]);
    await expect(stat(join(root, MANIFEST))).rejects.toThrow();
    expect(sequencesOf(await readJsonLines(root, LOG))).toEqual(range(1, 7));
  });

  it('does not seal a log whose checks fail', async () => {
    await writeHealthyWorkspace(root, 3);
    await appendFile(join(root, LOG), '{"torn\n');
    const result = await runVerify(root, ['--log-segment-bytes', '1']);
    expect(result.exitCode).toBe(1);
    expect(segmentsCheck(result.json()).details.sealed).toBeNull();
    await expect(stat(join(root, MANIFEST))).rejects.toThrow();
  });

  it('deletes segments past retention, recorded first, and continuity accepts only the oldest gone', async () => {
    await sealFourTimes();
    // The first segment's entries are from 2025-10-06; 400 days later it is due for deletion,
    // and so are the others (sealed the same day): each deletion is recorded before its removal.
    const later = '2026-11-20T00:00:00Z';
    const pruned = (await runVerify(root, [], { now: later })).json();
    expect(segmentsCheck(pruned).details.deleted_now).toHaveLength(4);
    const manifest = await readJsonLines(root, MANIFEST);
    expect(manifest.filter((line) => line.event === 'deleted').map((line) => line.path)).toEqual([
      `${SEGMENTS}/000000000001_000000000006.log.gz`,
      `${SEGMENTS}/000000000007_000000000007.log.gz`,
      `${SEGMENTS}/000000000008_000000000008.log.gz`,
      `${SEGMENTS}/000000000009_000000000009.log.gz`,
    ]);
    expect(await segmentFiles()).toEqual([]);
    const after = (await runVerify(root, [], { now: later })).json();
    expect(checkNamed(after, 'sequence')[0]?.status).toBe('pass');
    expect(segmentsCheck(after).status).toBe('pass');
    expect(sequencesOf(await everyEntry())).toEqual(range(10, 12));
  });

  it('writes a KPI digest beside each segment, again when one is gone or damaged, and deletes it with its segment', async () => {
    await sealFourTimes();
    const digests = async () =>
      (await readdir(join(root, SEGMENTS))).filter((name) => name.endsWith('.kpi.json')).sort();
    expect(await digests()).toEqual(
      (await segmentFiles()).map((name) => name.replace('.log.gz', '.kpi.json')),
    );

    await rm(join(root, SEGMENTS, '000000000007_000000000007.kpi.json'));
    await writeFile(join(root, SEGMENTS, '000000000008_000000000008.kpi.json'), 'not a digest');
    const nightly = await runVerify(root);
    expect(nightly.exitCode, nightly.stdout).toBe(0);
    expect(nightly.json().artefacts).toEqual(
      expect.arrayContaining([
        `${SEGMENTS}/000000000007_000000000007.kpi.json`,
        `${SEGMENTS}/000000000008_000000000008.kpi.json`,
      ]),
    );
    expect(nightly.json().artefacts).not.toContain(`${SEGMENTS}/000000000009_000000000009.kpi.json`);
    const kpi = await runCli(BIN.verify, ['kpi', '--root', root, '--now', NOW, '--since', '3000d'], {
      env: cleanEnv(),
    });
    expect(kpi.exitCode, kpi.stdout).toBe(0);
    expect(kpi.json().log).toMatchObject({
      sealed_segments: 4,
      segments_from_digest: 4,
      digest_problems: [],
    });

    const later = '2026-11-20T00:00:00Z';
    await runVerify(root, [], { now: later });
    expect(await digests()).toEqual([]);
    const deletions = (await readJsonLines(root, MANIFEST)).filter((line) => line.event === 'deleted');
    expect(deletions.map((line) => line.also_deleted)).toEqual(
      deletions.map((line) => [String(line.path).replace('.log.gz', '.kpi.json')]),
    );
    // the night that wrote two digests still proves its artefacts: retention recorded their deletion
    const trace = await runVerify(root, ['--job-id', nightly.json().job_id, '--require-job-entry'], {
      now: later,
    });
    expect(checkNamed(trace.json(), 'job_trace')[0]?.status, trace.stdout).toBe('pass');
  });

  it('fails a deletion recorded for a segment newer than one it keeps', async () => {
    await sealFourTimes();
    const lines = await readJsonLines(root, MANIFEST);
    const middle = lines.find((line) => line.file === '000000000008_000000000008.log.gz') as JsonDocument;
    await appendFile(
      join(root, MANIFEST),
      `${JSON.stringify({ event: 'deleted', file: middle.file, path: `${SEGMENTS}/${middle.file}`, first_sequence: 8, last_sequence: 8, last_logged_at: middle.last_logged_at, deleted_at: NOW })}\n`,
    );
    const report = (await runVerify(root)).json();
    expect(failureCodes(report)).toContain('segment_deleted_out_of_order');
  });
});

describe('obs-verify on later nights of the open log', () => {
  const openLogRecord = async () => JSON.parse(await readFile(join(root, RECORD), 'utf8')).open_log;
  const logSchema = (report: JsonDocument) => checkNamed(report, 'log_schema')[0] as JsonDocument;

  it('checks only what was appended since a night that passed, and still follows the sequence across', async () => {
    const written = await writeHealthyWorkspace(root, 6);
    const first = await runVerify(root);
    expect(first.exitCode, first.stdout).toBe(0);
    const vouched = await openLogRecord();
    expect(vouched).toMatchObject({ lines: 6, first_sequence: 1, last_sequence: 6 });
    // the six lines it read; its own entry (7) was appended after them
    const linesAfterFirst = (await readFile(join(root, LOG), 'utf8')).split('\n');
    const bytesOf = (lines: string[]) => Buffer.byteLength(lines.map((line) => `${line}\n`).join(''));
    expect(vouched.bytes).toBe(bytesOf(linesAfterFirst.slice(0, 6)));

    const second = await runVerify(root);
    expect(second.exitCode, second.stdout).toBe(0);
    expect(segmentsCheck(second.json()).details).toMatchObject({
      open_log_bytes_skipped_verified: vouched.bytes,
      bytes_read: bytesOf(linesAfterFirst.slice(6, 7)),
      verification_record_problem: null,
    });
    expect(logSchema(second.json()).details).toMatchObject({ lines: 7, checked_lines: 7 });
    expect(checkNamed(second.json(), 'sequence')[0]?.details).toMatchObject({
      first: 1,
      last: 7,
      entries_with_sequence: 7,
    });
    expect(await openLogRecord()).toMatchObject({ lines: 7, first_sequence: 1, last_sequence: 7 });

    // --job-id still finds an entry in the part not checked again, at its line
    const traced = written[2]?.job_id as string;
    const trace = await runVerify(root, ['--job-id', traced, '--require-job-entry']);
    expect(trace.exitCode, trace.stdout).toBe(0);
    expect(checkNamed(trace.json(), 'job_trace')[0]?.details.entries).toEqual([
      expect.objectContaining({ job_id: traced, line: 3 }),
    ]);

    // a gap after the vouched part is found at its own line number
    const lines = (await readFile(join(root, LOG), 'utf8')).trimEnd().split('\n');
    const last = JSON.parse(lines.at(-1) as string) as JsonDocument;
    await appendFile(join(root, LOG), `${JSON.stringify({ ...last, sequence: last.sequence + 2 })}\n`);
    const vouchedBefore = await openLogRecord();
    const gap = await runVerify(root);
    expect(gap.exitCode).toBe(1);
    expect(segmentsCheck(gap.json()).details.open_log_bytes_skipped_verified).toBeGreaterThan(0);
    expect(checkNamed(gap.json(), 'sequence')[0]?.details.gaps).toEqual([
      expect.objectContaining({ line: lines.length + 1, previous: last.sequence, missing: 1 }),
    ]);
    // a night that fails vouches for nothing new: the gap is found again the next night
    expect(await openLogRecord()).toEqual(vouchedBefore);
    const again = await runVerify(root);
    expect(failureCodes(again.json())).toContain('sequence_gap');
  });

  it('reads the whole open log when its verified part changed in place, and with --full or --since', async () => {
    await writeHealthyWorkspace(root, 6);
    expect((await runVerify(root)).exitCode).toBe(0);
    const full = await runVerify(root, ['--full']);
    expect(segmentsCheck(full.json()).details.open_log_bytes_skipped_verified).toBe(0);
    const since = await runVerify(root, ['--since', '2025-10-01T00:00:00Z']);
    expect(segmentsCheck(since.json()).details.open_log_bytes_skipped_verified).toBe(0);
    expect((await runVerify(root)).exitCode).toBe(0);
    expect((await openLogRecord()).lines).toBeGreaterThan(6);

    // the same length, a different byte: only the hash can tell
    const text = await readFile(join(root, LOG), 'utf8');
    await writeFile(join(root, LOG), text.replace('"status":"ok"', '"status":"OK"'));
    const changed = await runVerify(root);
    expect(changed.exitCode).toBe(1);
    expect(segmentsCheck(changed.json()).details.open_log_bytes_skipped_verified).toBe(0);
    expect(logSchema(changed.json())).toMatchObject({
      status: 'fail',
      details: { schema_invalid: { count: 1, lines: [1] } },
    });
  });

  it('reads the whole open log when the record is malformed, and says why', async () => {
    await writeHealthyWorkspace(root, 6);
    expect((await runVerify(root)).exitCode).toBe(0);
    const record = JSON.parse(await readFile(join(root, RECORD), 'utf8'));
    await writeFile(
      join(root, RECORD),
      JSON.stringify({ ...record, open_log: { ...record.open_log, bytes: -1 } }),
    );
    const result = await runVerify(root);
    expect(result.exitCode, result.stdout).toBe(0);
    expect(segmentsCheck(result.json()).details).toMatchObject({
      open_log_bytes_skipped_verified: 0,
      verification_record_problem: `${RECORD} has a malformed open_log entry`,
    });
  });
});
