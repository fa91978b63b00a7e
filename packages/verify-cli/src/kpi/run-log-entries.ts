import { type FileLine, forEachRunLogLine, type RunLogFiles, type SealedSegment } from '@obs-automation/core';

/** One line of the run log: its entry, or why it is not one; `file` names the segment it is in. */
export type RunLogItem =
  | { line: number; file?: string; entry: Record<string, unknown> }
  | { line: number; file?: string; entry: null; problem: string };

function notAnEntry(line: number, file: string | undefined, problem: string): RunLogItem {
  return file === undefined ? { line, entry: null, problem } : { line, file, entry: null, problem };
}

/** A line read as an entry; `file` names the segment it is in (absent for the open log). */
export function runLogItem({ number: line, text, bytes }: FileLine, file?: string): RunLogItem {
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
  const entry = value as Record<string, unknown>;
  return file === undefined ? { line, entry } : { line, file, entry };
}

/**
 * The run log's entries in order — every sealed segment (checked against its manifest hash
 * before it is read), then the open log — streamed in constant memory: `onItem` gets each line's
 * entry or the reason it is not one (with the segment it is in). A segment `takenElsewhere`
 * accepts (once checked) is not read. Returns the number of lines, or null when the log does not
 * exist. Readers of "every entry of a period" go through this one function.
 */
export async function forEachRunLogEntry(
  files: RunLogFiles,
  onItem: (item: RunLogItem) => void,
  takenElsewhere?: (segment: SealedSegment) => Promise<boolean>,
): Promise<number | null> {
  return forEachRunLogLine(
    files,
    (line, source) => onItem(runLogItem(line, source.segment ? source.shown : undefined)),
    takenElsewhere,
  );
}
