import {
  type LatencyFile,
  openChunks,
  type RawLayout,
  scanRawCsv,
  TempFileWriter,
} from '@obs-automation/latency-store';
import { readingOwnFile } from '../input-unreadable.js';
import { WindowedSamples } from '../rollup/window-samples.js';
import { windowStartOf } from '../rollup/window-spec.js';
import type { RejectsWriter } from './rejects-file.js';

export interface RawPassOptions {
  raw: LatencyFile;
  nowMs: number;
  windowMs: number;
  /** rows older than this are expired (retention) */
  expiryCutoffMs: number;
  /** the raw file exceeds --max-raw-bytes: rows of closed windows move too */
  sizeRotation: boolean;
  /** windows that ended before this are not rolled up (they fall out of rollup retention) */
  rollupCutoffMs: number;
  /** the archive's temporary file is created beside this path */
  archiveTempTarget: string;
  rejects: RejectsWriter;
  /** an interrupted run stops between chunks */
  signal: AbortSignal;
}

export interface ArchiveDraft {
  /** the rows as one gzip member, without the header (an archive has it once, in its first member) */
  writer: TempFileWriter;
  rows: number;
  firstMs: number;
  lastMs: number;
  reason: 'retention' | 'size';
}

export interface RawPass {
  layout: RawLayout | null;
  /** the raw file's header line, with its line feed */
  header: string;
  bytesRead: number;
  /** rows read as samples (kept or archived) */
  samples: number;
  kept: number;
  rejected: number;
  windows: WindowedSamples;
  /** the rows to archive, already written to a temporary gzip file */
  archive: ArchiveDraft | null;
  /** the raw file without archived and rejected rows, as a temporary file */
  rawTemp: TempFileWriter;
}

enum Destination {
  None,
  Keep,
  Archive,
}

const LF = 0x0a;

/**
 * One streaming pass over the raw file. Every valid row feeds its window's samples and is copied,
 * byte for byte, either to the raw file's replacement or to the archive; rows that do not parse
 * go to the rejects file. Consecutive rows bound for the same file are copied as one slice of the
 * chunk, so a large file costs little more than reading it.
 */
export async function runRawPass(options: RawPassOptions): Promise<RawPass> {
  const { nowMs, windowMs, expiryCutoffMs, sizeRotation, rollupCutoffMs, rejects } = options;
  // The caller has seen the file; one removed since reads as an empty file.
  const chunks = (await readingOwnFile(openChunks(options.raw))) ?? [];
  const pass: RawPass = {
    layout: null,
    header: '',
    bytesRead: 0,
    samples: 0,
    kept: 0,
    rejected: 0,
    windows: new WindowedSamples(windowMs),
    archive: null,
    rawTemp: TempFileWriter.open(options.raw.path),
  };
  let runDestination = Destination.None;
  let runBytes: Buffer | null = null;
  let runStart = 0;
  let runEnd = 0;

  const writerFor = (destination: Destination): TempFileWriter => {
    if (destination === Destination.Keep) return pass.rawTemp;
    if (!pass.archive) {
      const writer = TempFileWriter.open(options.archiveTempTarget, { gzip: true });
      pass.archive = {
        writer,
        rows: 0,
        firstMs: Number.POSITIVE_INFINITY,
        lastMs: Number.NEGATIVE_INFINITY,
        reason: sizeRotation ? 'size' : 'retention',
      };
    }
    return pass.archive.writer;
  };
  const flushRun = () => {
    if (runBytes === null || runDestination === Destination.None) return;
    const writer = writerFor(runDestination);
    writer.write(runBytes.subarray(runStart, runEnd));
    if (runBytes[runEnd - 1] !== LF) writer.write('\n');
    runBytes = null;
    runDestination = Destination.None;
  };
  const route = (bytes: Buffer, start: number, next: number, destination: Destination) => {
    if (destination === runDestination && bytes === runBytes && start === runEnd) {
      runEnd = next;
      return;
    }
    flushRun();
    runDestination = destination;
    runBytes = bytes;
    runStart = start;
    runEnd = next;
  };

  const scanning = scanRawCsv(chunks, options.raw, {
    onHeader(_layout, headerText) {
      pass.header = `${headerText}\n`;
      pass.rawTemp.write(pass.header);
    },
    onSample(row, measure) {
      pass.samples += 1;
      const start = windowStartOf(measure.timestampMs, windowMs);
      if (start + windowMs >= rollupCutoffMs)
        pass.windows.add(measure.timestampMs, measure.latencyMs, measure.failed);
      const expired = measure.timestampMs < expiryCutoffMs;
      const archived = expired || (sizeRotation && start + windowMs <= nowMs);
      if (archived) {
        writerFor(Destination.Archive);
        const archive = pass.archive as ArchiveDraft;
        archive.rows += 1;
        if (measure.timestampMs < archive.firstMs) archive.firstMs = measure.timestampMs;
        if (measure.timestampMs > archive.lastMs) archive.lastMs = measure.timestampMs;
      } else {
        pass.kept += 1;
      }
      route(row.bytes, row.start, row.next, archived ? Destination.Archive : Destination.Keep);
    },
    onReject(row, reason) {
      pass.rejected += 1;
      // An over-long line is copied whole from the raw file, which stays until the rejects are flushed.
      const stored = {
        path: options.raw.path,
        kind: 'raw_samples' as const,
        start: row.offset,
        length: row.overLongBytes,
      };
      rejects.add(row.line, reason, row.overLongBytes > 0 ? stored : row.raw());
    },
    async afterChunk() {
      options.signal.throwIfAborted();
      flushRun();
      await pass.rawTemp.drain();
      await pass.archive?.writer.drain();
      if (rejects.needsFlush) await rejects.flush();
    },
  });
  try {
    const scan = await readingOwnFile(scanning);
    pass.layout = scan.layout;
    pass.bytesRead = scan.bytesRead;
    return pass;
  } catch (error) {
    await discardRawPass(pass);
    throw error;
  }
}

/** Removes the pass's temporary files (a run that fails, or one with nothing to move). */
export async function discardRawPass(pass: RawPass): Promise<void> {
  await Promise.all([pass.rawTemp.discard(), pass.archive?.writer.discard()]);
}
