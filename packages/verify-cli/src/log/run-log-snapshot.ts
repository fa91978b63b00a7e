import { readSequenceFile, type SequenceFileState, withLock } from '@obs-automation/core';
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
}

/**
 * Reads the log's length and the sequence file under the run log's lock, so that the two agree
 * even while other jobs append: the checks then read exactly the first `size` bytes, and an
 * append that lands meanwhile is neither half-read nor compared against a stale sequence file.
 */
export function snapshotRunLog(
  logFile: string,
  sequenceFile: string,
  shown: string,
): Promise<RunLogSnapshot> {
  return withRunLogLock(logFile, async () => {
    const [size, state] = await Promise.all([fileSize(logFile, shown), readSequenceFile(sequenceFile)]);
    return { size, sequenceFile: state };
  });
}
