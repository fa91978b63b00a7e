import type { SequenceFileState } from '../sequence-file.js';
import type { RunLogTail } from './run-log-tail.js';

export interface SequenceJump {
  /** the sequence before the jump, in file order */
  after: number;
  /** the next sequence found */
  next: number;
}

export interface RunLogHealth {
  file: string | null;
  state: 'ok' | 'missing' | 'unreadable' | 'not_read';
  problem: string | null;
  last_sequence: number | null;
  last_logged_at: string | null;
  sequence_file: {
    file: string | null;
    state: 'ok' | 'missing' | 'corrupt' | 'not_read';
    value: number | null;
    problem: string | null;
  };
  /** the sequence file holds the log's last sequence (null when either is unknown) */
  sequence_file_agrees: boolean | null;
  entries_scanned: number;
  bytes_scanned: number;
  scanned_whole_log: boolean;
  /** sequences that do not follow each other by one inside the scanned part */
  jumps: SequenceJump[];
  unreadable_lines: number;
}

/** Jumps between consecutive sequenced entries of the tail (newest first), reported in file order. */
function sequenceJumps(tail: RunLogTail): SequenceJump[] {
  const sequences = tail.entries
    .map((entry) => entry.sequence)
    .filter((sequence): sequence is number => sequence !== null)
    .reverse();
  const jumps: SequenceJump[] = [];
  for (let index = 1; index < sequences.length; index += 1) {
    const after = sequences[index - 1] as number;
    const next = sequences[index] as number;
    if (next !== after + 1) jumps.push({ after, next });
  }
  return jumps;
}

export function runLogHealth(
  files: { log: string | null; sequence: string | null },
  tail: RunLogTail | null,
  sequenceFile: SequenceFileState | null,
): RunLogHealth {
  const lastSequenced = tail?.entries.find((entry) => entry.sequence !== null) ?? null;
  const value = sequenceFile?.kind === 'ok' ? sequenceFile.value : null;
  const lastSequence = lastSequenced?.sequence ?? null;
  return {
    file: files.log,
    state: tail ? tail.state : 'not_read',
    problem: tail?.problem ?? null,
    last_sequence: lastSequence,
    last_logged_at: tail?.entries[0]?.loggedAt?.toISOString() ?? null,
    sequence_file: {
      file: files.sequence,
      state: sequenceFile ? sequenceFile.kind : 'not_read',
      value,
      problem: sequenceFile?.kind === 'corrupt' ? sequenceFile.reason : null,
    },
    sequence_file_agrees:
      lastSequence !== null && sequenceFile !== null && sequenceFile.kind !== 'missing'
        ? value === lastSequence
        : null,
    entries_scanned: tail?.entries.length ?? 0,
    bytes_scanned: tail?.bytesRead ?? 0,
    scanned_whole_log: tail?.wholeLog ?? false,
    jumps: tail ? sequenceJumps(tail) : [],
    unreadable_lines: tail?.unreadableLines ?? 0,
  };
}
