import {
  finishInterruptedSeal,
  type InterruptedSeal,
  type RunLogFiles,
  readSegmentManifest,
  readSequenceFile,
  type SequenceFileState,
  withLock,
} from '@obs-automation/core';
import { fileSize } from './file-size.js';

const LOG_LOCK_WAIT_MS = 30_000;

/**
 * Runs `body` holding the lock appendRunLog takes around each append (`<log>.lock`), so no
 * entry lands in the log meanwhile.
 */
export function withRunLogLock<T>(logFile: string, body: () => Promise<T>): Promise<T> {
  return withLock(`${logFile}.lock`, LOG_LOCK_WAIT_MS, body);
}

export interface RunLogSnapshot {
  /** bytes of the log at the snapshot; null when the log does not exist */
  size: number | null;
  sequenceFile: SequenceFileState;
  /** what became of a seal killed before it replaced the open log */
  interruptedSeal: InterruptedSeal;
}

/**
 * Reads the log's length and the sequence file under the run log's lock, so that the two agree
 * even while other jobs append: the checks then read exactly the first `size` bytes, and an
 * append that lands meanwhile is neither half-read nor compared against a stale sequence file.
 * A seal killed before it replaced the open log is finished first, as the next append would.
 */
export function snapshotRunLog(files: RunLogFiles, sequenceFile: string): Promise<RunLogSnapshot> {
  return withRunLogLock(files.logFile, async () => {
    const manifest = await readSegmentManifest(files.manifest, files.shownManifest);
    const interruptedSeal = await finishInterruptedSeal(files.logFile, manifest);
    const [size, state] = await Promise.all([
      fileSize(files.logFile, files.shownLog),
      readSequenceFile(sequenceFile),
    ]);
    return { size, sequenceFile: state, interruptedSeal };
  });
}
