import { type FileLine, fileLineBatches, forEachFileLine, type LineFileOptions } from '@obs-automation/core';

export type { FileLine } from '@obs-automation/core';

/**
 * `endOffset` reads a snapshot of a file others append to; a line over `maxKeptBytes` is counted
 * and measured but not kept (memory stays flat on garbage input); `keepRaw` also hands out each
 * line's bytes; `startOffset` (with `firstLineNumber`) resumes at a line's start; `onChunk` sees
 * every chunk read (to hash it).
 */
export type LineReadOptions = Pick<
  LineFileOptions,
  'endOffset' | 'maxKeptBytes' | 'keepRaw' | 'startOffset' | 'firstLineNumber' | 'onChunk'
>;

/**
 * Reads a run log (or the rebuild's own copy of one) the way the core reads a streamed file the
 * jobs write: never through a link, never blocking, only a regular file (`invalid_input`
 * otherwise). A missing file has no lines.
 */
function runLogOptions(path: string, options: LineReadOptions) {
  return { kind: 'run_log' as const, shown: path, what: 'run log', ...options };
}

/**
 * Calls `onLine` for every line of a run log, streamed with a plain callback per line, in
 * constant memory. A last line without a newline is reported too. Returns the line count.
 */
export async function forEachLine(
  path: string,
  options: LineReadOptions,
  onLine: (line: FileLine) => void,
): Promise<number> {
  return (await forEachFileLine(path, runLogOptions(path, options), onLine)) ?? 0;
}

/** The lines in batches, one per chunk read, for a consumer that awaits between batches. */
export function lineBatches(path: string, options: LineReadOptions = {}): AsyncGenerator<FileLine[]> {
  return fileLineBatches(path, runLogOptions(path, options));
}
