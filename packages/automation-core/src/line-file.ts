import type { Readable } from 'node:stream';
import { openInputStream, type RegularFileOptions } from './bounded-file-read.js';
import { parseJsonBounded } from './bounded-json.js';
import type { FileKind } from './file-read-rules.js';
import { JobError } from './job-error.js';
import { type FileLine, LineSplitter, type LineSplitterOptions } from './line-splitter.js';

/** A JSON-lines record longer than this is reported, never parsed: no job writes lines near it. */
export const MAX_JSON_LINE_BYTES = 1 << 20;

const CHUNK_BYTES = 256 * 1024;

export interface LineFileOptions extends RegularFileOptions, Partial<LineSplitterOptions> {
  /** read only the first `endOffset` bytes (a snapshot of a file that others append to) */
  endOffset?: number;
  /** start at this byte, the start of a line (number it with `firstLineNumber`) */
  startOffset?: number;
  /** also receives every chunk, before its lines are handed out (to hash what is read) */
  onChunk?: (chunk: Buffer) => void;
}

/**
 * The file's chunks, opened as openInputStream opens it (never blocking, only a regular file,
 * links as its kind allows); null when it does not exist.
 */
function openLines(path: string, options: LineFileOptions): Promise<Readable | null> {
  return openInputStream(path, {
    ...options,
    highWaterMark: CHUNK_BYTES,
    ...(options.endOffset === undefined ? {} : { end: options.endOffset - 1 }),
    ...(options.startOffset === undefined ? {} : { start: options.startOffset }),
  });
}

function splitterFor(options: LineFileOptions): LineSplitter {
  return new LineSplitter({ ...options, maxKeptBytes: options.maxKeptBytes ?? MAX_JSON_LINE_BYTES });
}

/**
 * Hands every chunk of the file (its `startOffset`..`endOffset` bytes) to `options.onChunk`,
 * without splitting lines: for a reader that only hashes or counts. Returns false when the file
 * does not exist.
 */
export async function forEachFileChunk(
  path: string,
  options: LineFileOptions & { onChunk: (chunk: Buffer) => void },
): Promise<boolean> {
  if (options.endOffset === 0) return true;
  const input = await openLines(path, options);
  if (!input) return false;
  for await (const chunk of input) options.onChunk(chunk as Buffer);
  return true;
}

/**
 * Calls `onLine` for every line, streaming in chunks with a plain callback per line: no
 * per-line promise and nothing kept beyond the current line (up to `maxKeptBytes`), so a
 * million-line file is read fast in constant memory. A last line without a newline is reported
 * too. Returns the line count, or null when the file does not exist.
 */
export async function forEachFileLine(
  path: string,
  options: LineFileOptions,
  onLine: (line: FileLine) => void,
): Promise<number | null> {
  if (options.endOffset === 0) return 0;
  const input = await openLines(path, options);
  if (!input) return null;
  const splitter = splitterFor(options);
  for await (const chunk of input) {
    options.onChunk?.(chunk as Buffer);
    splitter.push(chunk as Buffer, onLine);
  }
  splitter.end(onLine);
  return splitter.lines;
}

/** The lines in batches, one per chunk read, for a consumer that awaits between batches; nothing for a missing file. */
export async function* fileLineBatches(path: string, options: LineFileOptions): AsyncGenerator<FileLine[]> {
  if (options.endOffset === 0) return;
  const input = await openLines(path, options);
  if (!input) return;
  const splitter = splitterFor(options);
  let batch: FileLine[] = [];
  const collect = (line: FileLine) => {
    batch.push(line);
  };
  for await (const chunk of input) {
    splitter.push(chunk as Buffer, collect);
    if (batch.length > 0) {
      yield batch;
      batch = [];
    }
  }
  splitter.end(collect);
  if (batch.length > 0) yield batch;
}

export interface JsonLine {
  line: number;
  value: Record<string, unknown>;
}

/**
 * The JSON objects of a JSON-lines file (a manifest), streamed (kind `jsonl_manifest` unless
 * given). Blank lines are passed over; a line that is over the line cap, not JSON, nested too
 * deep or not an object is reported through `onInvalid` with its number and what is wrong —
 * never its content. Returns false when the file does not exist.
 */
export async function forEachJsonLine(
  path: string,
  options: Omit<LineFileOptions, 'kind'> & { kind?: FileKind },
  onLine: (line: JsonLine) => void,
  onInvalid: (line: number, problem: string) => void = () => undefined,
): Promise<boolean> {
  const shown = options.shown ?? path;
  const cap = options.maxKeptBytes ?? MAX_JSON_LINE_BYTES;
  const lines = await forEachFileLine(path, { kind: 'jsonl_manifest', ...options }, (line) => {
    if (line.text === null) {
      onInvalid(line.number, `${line.bytes} bytes on one line, over the ${cap}-byte line cap`);
      return;
    }
    if (line.text.trim() === '') return;
    let value: unknown;
    try {
      value = parseJsonBounded(line.text, { what: 'line', file: shown, line: line.number });
    } catch (error) {
      if (!(error instanceof JobError)) throw error;
      onInvalid(line.number, String(error.details.problem ?? error.message));
      return;
    }
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      onLine({ line: line.number, value: value as Record<string, unknown> });
    } else onInvalid(line.number, 'not a JSON object');
  });
  return lines !== null;
}
