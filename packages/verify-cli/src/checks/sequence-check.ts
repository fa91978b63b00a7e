import type { SequenceFileState } from '@obs-automation/core';
import type { FirstItems } from '../log/first-items.js';
import type { RunLogScan } from '../log/run-log-scan.js';
import type { SequenceGap, SequenceRepeat } from '../log/sequence-tracker.js';
import { CheckBuilder, type CheckOutcome, skippedCheck } from './check-outcome.js';

export const SEQUENCE_CHECK = 'sequence';

function listed<T>(items: FirstItems<T>, describe: (item: T) => string): string {
  const shown = items.items.map(describe).join('; ');
  return items.count > items.items.length ? `${shown}; … ${items.count - items.items.length} more` : shown;
}

function checkSequenceFile(
  check: CheckBuilder,
  sequenceFile: string,
  state: SequenceFileState,
  lastSequence: number | null,
): void {
  if (state.kind === 'corrupt') {
    check.fail('sequence_file_corrupt', `sequence file ${sequenceFile} is unreadable: ${state.reason}`);
  } else if (state.kind === 'missing') {
    if (lastSequence !== null) {
      check.fail(
        'sequence_file_missing',
        `sequence file ${sequenceFile} does not exist but the log's last sequence is ${lastSequence}`,
      );
    }
  } else if (state.value !== (lastSequence ?? 0)) {
    check.fail(
      'sequence_file_mismatch',
      `sequence file ${sequenceFile} says ${state.value} but the log's last sequence is ${lastSequence ?? 'none'}`,
    );
  }
}

/**
 * sequence: strictly +1 in file order (sequence_gap warning entries carry none and are passed
 * over), and the sequence file holds the log's last sequence.
 */
export function sequenceCheck(
  log: string,
  sequenceFile: string,
  scan: RunLogScan | null,
  state: SequenceFileState,
): CheckOutcome {
  if (scan === null) return skippedCheck(SEQUENCE_CHECK, `run log ${log} does not exist`);
  const check = new CheckBuilder(SEQUENCE_CHECK);
  const { gaps, duplicates, outOfOrder } = scan.sequence;
  const at = (item: { line: number; file?: string }) =>
    item.file === undefined ? `line ${item.line}` : `${item.file}:${item.line}`;
  const repeat = (item: SequenceRepeat) => `${at(item)}: ${item.sequence} after ${item.previous}`;
  if (gaps.count > 0) {
    check.fail(
      'sequence_gap',
      `${log}: ${gaps.count} gap(s): ${listed(gaps, (gap: SequenceGap) => `${at(gap)}: ${gap.previous} → ${gap.sequence} (${gap.missing} missing)`)}`,
    );
  }
  if (duplicates.count > 0) {
    check.fail(
      'sequence_duplicate',
      `${log}: ${duplicates.count} sequence(s) used twice: ${listed(duplicates, repeat)}`,
    );
  }
  if (outOfOrder.count > 0) {
    check.fail(
      'sequence_out_of_order',
      `${log}: ${outOfOrder.count} sequence(s) go backwards: ${listed(outOfOrder, repeat)}`,
    );
  }
  checkSequenceFile(check, sequenceFile, state, scan.lastSequence);
  return check.done({
    log,
    sequence_file: sequenceFile,
    sequence_file_value: state.kind === 'ok' ? state.value : null,
    entries_with_sequence: scan.sequence.entries,
    first: scan.sequence.first,
    last: scan.lastSequence,
    gap_count: gaps.count,
    gaps: gaps.items,
    duplicates: duplicates.items,
    out_of_order: outOfOrder.items,
  });
}
