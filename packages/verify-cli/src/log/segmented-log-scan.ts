import {
  checkSegment,
  forEachSegmentLine,
  jobIdTimeMs,
  matchHashedPrefix,
  type RunLogFiles,
  readSegmentManifest,
  type SealedSegment,
  type SegmentManifest,
  WholeLineHasher,
} from '@obs-automation/core';
import { type FileLine, forEachLine } from './line-reader.js';
import { type RunLogScan, RunLogScanner, type RunLogScanOptions } from './run-log-scan.js';
import {
  isRecorded,
  type VerificationRecord,
  type VerifiedOpenLog,
  type VerifiedSegment,
  verifiedNow,
} from './verification-record.js';

export interface SegmentFailure {
  error_code: string;
  message: string;
}

export interface SegmentedScanOptions extends RunLogScanOptions {
  files: RunLogFiles;
  /** bytes of the open log at the snapshot; null when it does not exist */
  openLogSize: number | null;
  /** read every sealed segment, whatever the verification record says */
  full: boolean;
  record: VerificationRecord;
  now: Date;
}

export interface SegmentScanReport {
  manifest: SegmentManifest;
  failures: SegmentFailure[];
  /** segments read line by line and checked */
  read: string[];
  /** segments verified on an earlier night whose hash still matches: not read again */
  skipped: number;
  /** segments read only for --job-id */
  traced: number;
  /** gzip bytes hashed against the manifest */
  storedBytesHashed: number;
  /** log bytes parsed: unpacked segment bytes and the open log's */
  bytesRead: number;
  /** the verification record after this run: segments read cleanly now or vouched for before */
  verified: VerifiedSegment[];
  /** why the verification record could not be used (everything it would vouch for is read); null when it could */
  recordProblem: string | null;
  /** bytes at the open log's start verified on an earlier night, still the same: not read again */
  openLogBytesSkipped: number;
  /**
   * the open log as read through (the skipped start included): what the record can vouch for
   * when every check passed; null when it does not end with a whole line or was not read
   */
  openLogRead: Omit<VerifiedOpenLog, 'verified_at'> | null;
}

const DAY_MS = 86_400_000;

/**
 * A segment that may hold the traced job's entries: one whose last entry is not older than the
 * job id's time (with a day's margin for a clock set back); older segments cannot.
 */
function mayHoldTrace(segment: SealedSegment, traceJobId: string | undefined): boolean {
  if (traceJobId === undefined) return false;
  const startedMs = jobIdTimeMs(traceJobId);
  return startedMs !== null && Date.parse(segment.last_logged_at) >= startedMs - DAY_MS;
}

/**
 * Deleted segments only ever leave from the old end: their range seeds the sequence order so that
 * the first kept segment must follow the last deleted one, and a deletion newer than a kept
 * segment is a failure.
 */
function seedDeleted(
  manifest: SegmentManifest,
  scanner: RunLogScanner,
  report: SegmentScanReport,
  shownManifest: string,
) {
  const firstLive = manifest.live[0]?.first_sequence ?? Number.POSITIVE_INFINITY;
  const older = manifest.deleted.filter((segment) => segment.last_sequence < firstLive);
  for (const segment of manifest.deleted.filter((deleted) => deleted.last_sequence >= firstLive)) {
    report.failures.push({
      error_code: 'segment_deleted_out_of_order',
      message: `${shownManifest} records ${segment.file} as deleted, but older segments are kept: retention deletes only the oldest`,
    });
  }
  if (older.length === 0) return;
  const first = Math.min(...older.map((segment) => segment.first_sequence));
  const last = Math.max(...older.map((segment) => segment.last_sequence));
  scanner.skip(first, last, `${shownManifest} (deleted by retention)`);
}

async function readSegment(
  options: SegmentedScanOptions,
  scanner: RunLogScanner,
  report: SegmentScanReport,
  segment: SealedSegment,
): Promise<void> {
  const { files } = options;
  const checked = await checkSegment(files.segmentDir, files.shownSegmentDir, segment);
  const shown = `${files.shownSegmentDir}/${segment.file}`;
  if (!checked.ok) {
    report.failures.push({ error_code: checked.code, message: checked.message });
    scanner.skip(segment.first_sequence, segment.last_sequence, shown);
    return;
  }
  report.storedBytesHashed += segment.bytes;
  if (!options.full && isRecorded(options.record, segment)) {
    report.skipped += 1;
    report.verified.push(
      options.record.segments.find((verified) => verified.file === segment.file) as VerifiedSegment,
    );
    scanner.skip(segment.first_sequence, segment.last_sequence, shown);
    if (!mayHoldTrace(segment, options.traceJobId)) return;
    report.traced += 1;
    report.bytesRead += await forEachSegmentLine(checked, segment, (line) => scanner.traceOnly(line, shown));
    return;
  }
  const errorsBefore = scanner.errorCount;
  try {
    report.bytesRead += await forEachSegmentLine(checked, segment, (line) => scanner.line(line, shown));
  } catch (error) {
    report.failures.push({ error_code: 'segment_unreadable', message: (error as Error).message });
    return;
  }
  report.read.push(shown);
  const last = scanner.lastSequenceSoFar;
  if (last !== segment.last_sequence) {
    report.failures.push({
      error_code: 'segment_range_mismatch',
      message: `run-log segment ${shown} ends at sequence ${last ?? 'none'}, not ${segment.last_sequence} as its manifest line records`,
    });
    return;
  }
  if (scanner.errorCount === errorsBefore) report.verified.push(verifiedNow(segment, options.now));
}

/**
 * The open log's first `openLogSize` bytes, line by line. A start the record vouches for (same
 * bytes, by SHA-256) is not checked again unless `full` or a --since window asks for every line;
 * it is only read for the traced job's entries. Everything is hashed as it is read, so the record
 * can vouch for the whole log next time.
 */
async function readOpenLog(
  options: SegmentedScanOptions,
  scanner: RunLogScanner,
  report: SegmentScanReport,
  openLogSize: number,
): Promise<void> {
  const { files, record } = options;
  const reuse =
    !options.full &&
    options.since === undefined &&
    record.openLog !== null &&
    record.openLog.bytes <= openLogSize
      ? record.openLog
      : null;
  let hasher = new WholeLineHasher();
  scanner.beginPart();
  if (reuse) {
    const trace = options.traceJobId === undefined ? undefined : (line: FileLine) => scanner.traceOnly(line);
    const hash = await matchHashedPrefix(
      files.logFile,
      { kind: 'run_log', shown: files.shownLog },
      reuse,
      trace,
    );
    if (hash) {
      hasher = new WholeLineHasher(hash, reuse);
      scanner.skipOpenLogLines(reuse.lines, reuse.first_sequence, reuse.last_sequence);
      report.openLogBytesSkipped = reuse.bytes;
    }
  }
  const start = hasher.byteCount;
  await forEachLine(
    files.logFile,
    {
      startOffset: start,
      firstLineNumber: hasher.lineCount + 1,
      endOffset: openLogSize,
      onChunk: hasher.onChunk,
    },
    (line) => scanner.line(line),
  );
  report.bytesRead += openLogSize - start;
  const read = hasher.result();
  report.openLogRead = read && {
    ...read,
    first_sequence: scanner.firstSequenceInPart,
    last_sequence: scanner.firstSequenceInPart === null ? null : scanner.lastSequenceSoFar,
  };
}

/**
 * Scans a run log kept in sealed segments and an open log. Every night each listed segment's
 * hash is checked against the manifest; a segment the verification record vouches for (same
 * file, hash and range) is not read again unless `full`, and counts only for the sequence
 * order at its boundaries; any other segment is read and checked line by line. Then the open
 * log's first `openLogSize` bytes. `scan` is null when the log has neither segments nor an
 * open file.
 */
export async function scanSegmentedLog(
  options: SegmentedScanOptions,
): Promise<{ scan: RunLogScan | null; segments: SegmentScanReport }> {
  const { files } = options;
  const manifest = await readSegmentManifest(files.manifest, files.shownManifest);
  const report: SegmentScanReport = {
    manifest,
    failures: manifest.problems.map(({ line, problem }) => ({
      error_code: 'segment_manifest_invalid',
      message: `${files.shownManifest}:${line}: ${problem}`,
    })),
    read: [],
    skipped: 0,
    traced: 0,
    storedBytesHashed: 0,
    bytesRead: 0,
    verified: [],
    recordProblem: options.record.problem,
    openLogBytesSkipped: 0,
    openLogRead: null,
  };
  const scanner = new RunLogScanner(options);
  seedDeleted(manifest, scanner, report, files.shownManifest);
  for (const segment of manifest.live) await readSegment(options, scanner, report, segment);
  if (options.openLogSize !== null) await readOpenLog(options, scanner, report, options.openLogSize);
  const empty = options.openLogSize === null && manifest.live.length === 0 && manifest.deleted.length === 0;
  return { scan: empty ? null : scanner.result(), segments: report };
}
