import type { FileHandle } from 'node:fs/promises';
import type { Validator } from '@obs-automation/core';
import { FirstItems, REPORTED_LINES } from '../log/first-items.js';
import { lineBatches } from '../log/line-reader.js';
import { classifyLogLine } from '../log/log-line-classifier.js';
import { corruptLineRecord } from './corrupt-line-record.js';

/** Lines up to this size are copied into `<log>.corrupt`; a longer one stays in the log and its backup. */
export const MAX_COPIED_LINE_BYTES = 64 * 1024 * 1024;

export interface LogPartition {
  kept: number;
  corrupt: number;
  corruptLines: FirstItems<{ line: number; reason: string }>;
  /** whether the kept entries' logged_at never decreases in file order */
  inTimeOrder: boolean;
}

/**
 * Splits the log into valid lines (copied to `kept`) and the rest (recorded in `corrupt` with
 * their line numbers), streaming. `onKept` sees each valid entry.
 */
export async function partitionLog(
  logPath: string,
  endOffset: number,
  validate: Validator,
  kept: FileHandle,
  corrupt: FileHandle,
  onKept: (entry: Record<string, unknown>) => void,
): Promise<LogPartition> {
  const result: LogPartition = {
    kept: 0,
    corrupt: 0,
    corruptLines: new FirstItems(REPORTED_LINES),
    inTimeOrder: true,
  };
  let lastLoggedAt = Number.NEGATIVE_INFINITY;
  for await (const batch of lineBatches(logPath, {
    endOffset,
    maxKeptBytes: MAX_COPIED_LINE_BYTES,
    keepRaw: true,
  })) {
    const keptLines: string[] = [];
    const corruptLines: string[] = [];
    for (const line of batch) {
      const { entry, problems } = classifyLogLine(line, validate);
      if (problems.length === 0 && entry && line.text !== null) {
        keptLines.push(line.text);
        const loggedAt = Date.parse(String(entry.logged_at));
        if (loggedAt < lastLoggedAt) result.inTimeOrder = false;
        lastLoggedAt = Math.max(lastLoggedAt, loggedAt);
        onKept(entry);
      } else {
        corruptLines.push(corruptLineRecord(line, problems));
        result.corruptLines.add({
          line: line.number,
          reason: problems.map((problem) => problem.kind).join(', '),
        });
      }
    }
    if (keptLines.length > 0) await kept.write(`${keptLines.join('\n')}\n`);
    if (corruptLines.length > 0) await corrupt.write(`${corruptLines.join('\n')}\n`);
    result.kept += keptLines.length;
    result.corrupt += corruptLines.length;
  }
  return result;
}
