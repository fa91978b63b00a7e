import { createReadStream } from 'node:fs';

/** One line of a JSON-lines file, without its newline. */
export interface FileLine {
  /** 1-based line number */
  number: number;
  /** the line's text; null when it was longer than the reader keeps in memory */
  text: string | null;
  /** the line's exact bytes, when asked for with `keepRaw` (null with text) */
  raw: Buffer | null;
  /** length in bytes, without the newline */
  bytes: number;
}

export interface LineReadOptions {
  /** read only the first `endOffset` bytes (a snapshot of a file that others append to) */
  endOffset?: number;
  /** a longer line is counted and measured but not kept: memory stays flat on garbage input */
  maxKeptBytes?: number;
  /** also hand out each line's bytes (a view into the chunk) */
  keepRaw?: boolean;
}

const CHUNK_BYTES = 256 * 1024;
const DEFAULT_MAX_KEPT_BYTES = 1 << 20;
const NEWLINE = 0x0a;

/** Cuts chunks into lines; a line that continues into the next chunk is carried over. */
class LineSplitter {
  private number = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(
    private readonly maxKept: number,
    private readonly keepRaw: boolean,
  ) {}

  push(chunk: Buffer, emit: (line: FileLine) => void): void {
    let start = 0;
    let newline = chunk.indexOf(NEWLINE);
    if (newline !== -1 && this.pendingBytes > 0) {
      emit(this.completePending(chunk.subarray(0, newline)));
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    while (newline !== -1) {
      this.number += 1;
      emit(this.lineIn(chunk, start, newline));
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      if (this.pendingBytes + rest.length <= this.maxKept) this.pending.push(rest);
      else this.pending = [];
      this.pendingBytes += rest.length;
    }
  }

  /** The last line when the file does not end with a newline. */
  end(emit: (line: FileLine) => void): void {
    if (this.pendingBytes > 0) emit(this.completePending(Buffer.alloc(0)));
  }

  get lines(): number {
    return this.number;
  }

  /** Without keepRaw no Buffer view is made for a line (the common, hot case). */
  private lineIn(chunk: Buffer, start: number, end: number): FileLine {
    const bytes = end - start;
    if (bytes > this.maxKept) return { number: this.number, text: null, raw: null, bytes };
    const raw = this.keepRaw ? chunk.subarray(start, end) : null;
    return { number: this.number, text: chunk.toString('utf8', start, end), raw, bytes };
  }

  private completePending(tail: Buffer): FileLine {
    const bytes = this.pendingBytes + tail.length;
    this.number += 1;
    let line: FileLine;
    if (bytes > this.maxKept) line = { number: this.number, text: null, raw: null, bytes };
    else {
      const raw = Buffer.concat([...this.pending, tail]);
      line = { number: this.number, text: raw.toString('utf8'), raw: this.keepRaw ? raw : null, bytes };
    }
    this.pending = [];
    this.pendingBytes = 0;
    return line;
  }
}

function chunksOf(path: string, options: LineReadOptions): AsyncIterable<Buffer> {
  return createReadStream(path, {
    highWaterMark: CHUNK_BYTES,
    ...(options.endOffset === undefined ? {} : { end: options.endOffset - 1 }),
  });
}

/**
 * Calls `onLine` for every line, streaming in chunks with a plain callback per line: no
 * per-line promise and nothing kept beyond the current line, so a million-line log is read fast
 * in constant memory. A last line without a newline is reported too. Returns the line count.
 */
export async function forEachLine(
  path: string,
  options: LineReadOptions,
  onLine: (line: FileLine) => void,
): Promise<number> {
  if (options.endOffset === 0) return 0;
  return forEachLineOf(chunksOf(path, options), options, onLine);
}

/** forEachLine over chunks already opened (e.g. by the core's openInputStream). */
export async function forEachLineOf(
  chunks: AsyncIterable<Buffer>,
  options: Pick<LineReadOptions, 'maxKeptBytes' | 'keepRaw'>,
  onLine: (line: FileLine) => void,
): Promise<number> {
  const splitter = new LineSplitter(options.maxKeptBytes ?? DEFAULT_MAX_KEPT_BYTES, options.keepRaw === true);
  for await (const chunk of chunks) splitter.push(chunk, onLine);
  splitter.end(onLine);
  return splitter.lines;
}

/** The lines in batches, one per chunk read, for a consumer that awaits between batches. */
export async function* lineBatches(path: string, options: LineReadOptions = {}): AsyncGenerator<FileLine[]> {
  if (options.endOffset === 0) return;
  const splitter = new LineSplitter(options.maxKeptBytes ?? DEFAULT_MAX_KEPT_BYTES, options.keepRaw === true);
  let batch: FileLine[] = [];
  const collect = (line: FileLine) => {
    batch.push(line);
  };
  for await (const chunk of chunksOf(path, options)) {
    splitter.push(chunk, collect);
    if (batch.length > 0) {
      yield batch;
      batch = [];
    }
  }
  splitter.end(collect);
  if (batch.length > 0) yield batch;
}
