import { forEachFileLine } from '@obs-automation/core';

/** One line of the run log: its entry, or why it is not one. */
export type RunLogItem =
  | { line: number; entry: Record<string, unknown> }
  | { line: number; entry: null; problem: string };

function itemOf(line: number, text: string | null, bytes: number): RunLogItem {
  if (text === null) return { line, entry: null, problem: `a line of ${bytes} bytes` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { line, entry: null, problem: text.trim() === '' ? 'an empty line' : 'not JSON' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { line, entry: null, problem: 'not a JSON object' };
  }
  return { line, entry: value as Record<string, unknown> };
}

/**
 * The run log's entries in order, streamed in constant memory: `onItem` gets each line's entry
 * or the reason it is not one. Returns the number of lines, or null when the log does not exist.
 * Readers of "every entry of a period" go through this one function, so that a log kept in
 * several files is read here and nowhere else.
 */
export async function forEachRunLogEntry(
  logFile: string,
  shown: string,
  onItem: (item: RunLogItem) => void,
): Promise<number | null> {
  return forEachFileLine(logFile, { kind: 'run_log', shown, what: 'run log' }, (line) =>
    onItem(itemOf(line.number, line.text, line.bytes)),
  );
}
