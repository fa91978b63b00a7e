import { open, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { commitTempFile } from '../atomic-file.js';
import { faultPoint } from '../fault-injection.js';
import { RUN_LOG_TAIL_BYTES } from '../health/run-log-tail.js';
import { forEachFileLine } from '../line-file.js';
import { makeFolder } from '../make-folder.js';
import { sweepAbandonedTempFiles, tempPathFor } from '../temp-files.js';
import { mappingWriteFailure } from '../write-failure.js';
import { dropSealedPrefix, openLogRange } from './open-log-range.js';
import { hashingTap } from './segment-file.js';
import { appendManifestLine, readSegmentManifest, type SealedSegment } from './segment-manifest.js';
import {
  runLogSegmentPaths,
  SEGMENT_FILE_PATTERN,
  SEGMENT_KPI_DIGEST_PATTERN,
  segmentFileName,
  segmentKpiDigestName,
} from './segment-paths.js';

interface SealedRange {
  first: number;
  last: number;
  firstLoggedAt: string;
  lastLoggedAt: string;
  lines: number;
  /** where the last gzip member starts in the log: the first line within RUN_LOG_TAIL_BYTES of the end */
  tailStart: number;
}

/** First and last sequence and time of the log's first `size` bytes; null when no line carries a sequence. */
async function sealedRange(logFile: string, size: number): Promise<SealedRange | null> {
  let range: SealedRange | null = null;
  let offset = 0;
  let tailStart = 0;
  let lines = 0;
  await forEachFileLine(logFile, { kind: 'run_log', shown: logFile, endOffset: size }, (line) => {
    lines += 1;
    if (offset < size - RUN_LOG_TAIL_BYTES) tailStart = offset + line.bytes + 1;
    offset += line.bytes + 1;
    if (line.text === null) return;
    let entry: { sequence?: unknown; logged_at?: unknown };
    try {
      entry = JSON.parse(line.text);
    } catch {
      return;
    }
    if (!Number.isSafeInteger(entry?.sequence) || typeof entry.logged_at !== 'string') return;
    const sequence = entry.sequence as number;
    if (range === null) {
      range = {
        first: sequence,
        last: sequence,
        firstLoggedAt: entry.logged_at,
        lastLoggedAt: '',
        lines: 0,
        tailStart: 0,
      };
    }
    range.last = sequence;
    range.lastLoggedAt = entry.logged_at;
  });
  if (range === null) return null;
  return { ...(range as SealedRange), lines, tailStart: Math.min(tailStart, size) };
}

/**
 * Segment files the manifest does not list: a seal killed after its rename and before its
 * manifest line. Their lines are still in the open log, so they are removed, not read; so is a
 * KPI digest whose segment is not a live one.
 */
async function removeUnlistedSegments(
  dir: string,
  listed: ReadonlySet<string>,
  live: ReadonlySet<string>,
): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const unlisted = names.filter((name) => SEGMENT_FILE_PATTERN.test(name) && !listed.has(name));
  const liveDigests = new Set([...live].map(segmentKpiDigestName));
  const strayDigests = names.filter(
    (name) => SEGMENT_KPI_DIGEST_PATTERN.test(name) && !liveDigests.has(name),
  );
  for (const name of [...unlisted, ...strayDigests]) await rm(join(dir, name), { force: true });
  return unlisted;
}

/** Writes the log's [0, size) as two gzip members (the body, then the last lines) to `target`. */
async function writeSegment(logFile: string, range: SealedRange, size: number, target: string) {
  const source = hashingTap();
  const stored = hashingTap();
  let tailOffset = 0;
  const temp = tempPathFor(target);
  try {
    await mappingWriteFailure(target, async () => {
      const handle = await open(temp, 'wx');
      try {
        for (const [start, end] of [
          [0, range.tailStart],
          [range.tailStart, size],
        ] as const) {
          if (end <= start) continue;
          tailOffset = stored.bytesSoFar();
          await pipeline(
            await openLogRange(logFile, start, end),
            async function* (chunks: AsyncIterable<Buffer>) {
              for await (const chunk of chunks) {
                source.update(chunk);
                yield chunk;
              }
            },
            createGzip(),
            async (chunks: AsyncIterable<Buffer>) => {
              for await (const chunk of chunks) {
                stored.update(chunk);
                await handle.write(chunk);
              }
            },
          );
        }
      } finally {
        await handle.close();
      }
    });
    await commitTempFile(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return { source: source.result(), stored: stored.result(), tailOffset };
}

export interface SealOutcome {
  segment: SealedSegment;
  /** absolute path of the new segment file */
  path: string;
  /** unlisted segment files removed first (from a seal killed before its manifest line) */
  removedUnlisted: string[];
}

/**
 * Seals the open log's first `size` bytes (already verified by the caller) into a gzip segment:
 * the segment is written and renamed into place, its manifest line appended, then the open log
 * replaced by what was appended after those bytes. The caller holds the run log's lock. A kill
 * at any step leaves every line in exactly one of the open log and a listed segment once the
 * next writer has run (finishInterruptedSeal). Returns null when no line carries a sequence.
 */
export async function sealRunLog(logFile: string, size: number, now: Date): Promise<SealOutcome | null> {
  const paths = runLogSegmentPaths(logFile);
  const manifest = await readSegmentManifest(paths.manifest, paths.manifest);
  await makeFolder(paths.dir);
  await sweepAbandonedTempFiles(paths.dir);
  const live = new Set(manifest.live.map((segment) => segment.file));
  const listed = new Set([...live, ...manifest.deleted.map((segment) => segment.file)]);
  const removedUnlisted = await removeUnlistedSegments(paths.dir, listed, live);
  const range = await sealedRange(logFile, size);
  if (range === null) return null;
  const file = segmentFileName(range.first, range.last);
  const path = join(paths.dir, file);
  const written = await writeSegment(logFile, range, size, path);
  faultPoint('log-seal:after-segment-write');
  const segment: SealedSegment = {
    file,
    first_sequence: range.first,
    last_sequence: range.last,
    lines: range.lines,
    first_logged_at: range.firstLoggedAt,
    last_logged_at: range.lastLoggedAt,
    bytes: written.stored.bytes,
    sha256: written.stored.sha256,
    source_bytes: written.source.bytes,
    source_sha256: written.source.sha256,
    tail_offset: written.tailOffset,
    sealed_at: now.toISOString(),
  };
  await appendManifestLine(paths.manifest, { event: 'sealed', ...segment });
  faultPoint('log-seal:after-manifest-append');
  await dropSealedPrefix(logFile, size, (await stat(logFile)).size);
  return { segment, path, removedUnlisted };
}
