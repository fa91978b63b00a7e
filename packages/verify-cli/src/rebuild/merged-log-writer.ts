import type { FileHandle } from 'node:fs/promises';
import { fitLogLine, type RunLogEntry } from '@obs-automation/core';
import { type LogRecord, loggedAtMs } from './kept-entries.js';

const FLUSH_CHARS = 1 << 20;

/** sequence_gap warnings carry no sequence in the log they were written to, nor in the rebuilt one. */
function isGapWarning(entry: LogRecord): boolean {
  const diagnostics = entry.diagnostics as Record<string, unknown> | undefined;
  return (
    entry.sequence === undefined && entry.status === 'warning' && diagnostics?.error_code === 'sequence_gap'
  );
}

/**
 * Writes kept and reconstructed entries merged by logged_at (a kept entry before a reconstructed
 * one at the same instant) and numbers them after `sealedThrough` (from 1 for a log never
 * sealed). Returns the last sequence written (`sealedThrough` when nothing was).
 */
export async function writeMergedLog(
  output: FileHandle,
  kept: AsyncIterable<LogRecord>,
  reconstructed: readonly LogRecord[],
  sealedThrough = 0,
): Promise<number> {
  let sequence = sealedThrough;
  let buffer = '';
  const write = async (entry: LogRecord) => {
    if (!isGapWarning(entry)) {
      sequence += 1;
      entry.sequence = sequence;
    }
    buffer += `${fitLogLine(entry as unknown as RunLogEntry).line}\n`;
    if (buffer.length >= FLUSH_CHARS) {
      await output.write(buffer);
      buffer = '';
    }
  };
  let next = 0;
  for await (const entry of kept) {
    const at = loggedAtMs(entry);
    while (next < reconstructed.length && loggedAtMs(reconstructed[next] as LogRecord) < at) {
      await write(reconstructed[next] as LogRecord);
      next += 1;
    }
    await write(entry);
  }
  for (; next < reconstructed.length; next += 1) await write(reconstructed[next] as LogRecord);
  if (buffer.length > 0) await output.write(buffer);
  return sequence;
}
