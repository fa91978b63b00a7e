import { forEachRunLogLine, type RunLogFiles } from '@obs-automation/core';

/** One line of the run log: its entry, or why it is not one. */
export type RunLogItem =
  | { line: number; entry: Record<string, unknown> }
  | { line: number; file?: string; entry: null; problem: string };

function notAnEntry(line: number, file: string | undefined, problem: string): RunLogItem {
  return file === undefined ? { line, entry: null, problem } : { line, file, entry: null, problem };
}

function itemOf(line: number, text: string | null, bytes: number, file?: string): RunLogItem {
  if (text === null) return notAnEntry(line, file, `a line of ${bytes} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return notAnEntry(line, file, text.trim() === '' ? 'an empty line' : 'not JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return notAnEntry(line, file, 'not a JSON object');
  }
  return { line, entry: value as Record<string, unknown> };
}

/**
 * The run log's entries in order — every sealed segment (checked against its manifest hash
 * before it is read), then the open log — streamed in constant memory: `onItem` gets each line's
 * entry or the reason it is not one (with the segment it is in). Returns the number of lines,
 * or null when the log does not exist. Readers of "every entry of a period" go through this one
 * function.
 */
export async function forEachRunLogEntry(
  files: RunLogFiles,
  onItem: (item: RunLogItem) => void,
): Promise<number | null> {
  return forEachRunLogLine(files, (line, source) =>
    onItem(itemOf(line.number, line.text, line.bytes, source.segment ? source.shown : undefined)),
  );
}
