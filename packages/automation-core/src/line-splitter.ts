import { isAscii } from 'node:buffer';

/** One line of a file read line by line, without its newline. */
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

export interface LineSplitterOptions {
  /** a longer line is counted and measured but not kept: memory stays flat on garbage input */
  maxKeptBytes: number;
  /** also hand out each line's bytes (a view into the chunk) */
  keepRaw?: boolean;
  /**
   * Receives, in order and in pieces, every byte of each line longer than `maxKeptBytes` (its
   * newline excluded), before that line is emitted: a caller that must keep such a line whole
   * streams it somewhere instead of holding it.
   */
  onLongLineBytes?: (bytes: Buffer, lineNumber: number) => void;
  /** the number of the first line (default 1): a reader starting past the file's first lines */
  firstLineNumber?: number;
}

const NEWLINE = 0x0a;

/**
 * Cuts chunks into lines; a line that continues into the next chunk is carried over, up to
 * `maxKeptBytes` (past that its bytes are only counted, or handed to `onLongLineBytes`). Memory
 * and time are linear in the input and bounded by the cap, whatever the line lengths.
 */
export class LineSplitter {
  private number = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** the pending line passed the cap: its bytes go to onLongLineBytes instead of `pending` */
  private pendingIsLong = false;
  private readonly maxKept: number;
  private readonly keepRaw: boolean;
  private readonly onLongLineBytes: ((bytes: Buffer, lineNumber: number) => void) | undefined;

  constructor(options: LineSplitterOptions) {
    this.maxKept = options.maxKeptBytes;
    this.keepRaw = options.keepRaw === true;
    this.onLongLineBytes = options.onLongLineBytes;
    this.number = (options.firstLineNumber ?? 1) - 1;
  }

  push(chunk: Buffer, emit: (line: FileLine) => void): void {
    // Text without a byte over 0x7f reads the same as latin1 and as UTF-8; latin1 is a plain copy.
    const encoding = isAscii(chunk) ? 'latin1' : 'utf8';
    let start = 0;
    let newline = chunk.indexOf(NEWLINE);
    if (newline !== -1 && this.pendingBytes > 0) {
      emit(this.completePending(chunk.subarray(0, newline)));
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    while (newline !== -1) {
      this.number += 1;
      emit(this.lineIn(chunk, start, newline, encoding));
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) this.carry(chunk.subarray(start));
  }

  /** The last line when the input does not end with a newline. */
  end(emit: (line: FileLine) => void): void {
    if (this.pendingBytes > 0) emit(this.completePending(Buffer.alloc(0)));
  }

  get lines(): number {
    return this.number;
  }

  private carry(rest: Buffer): void {
    if (!this.pendingIsLong && this.pendingBytes + rest.length <= this.maxKept) {
      this.pending.push(rest);
    } else if (this.onLongLineBytes) {
      for (const piece of this.pending) this.onLongLineBytes(piece, this.number + 1);
      this.onLongLineBytes(rest, this.number + 1);
      this.pending = [];
      this.pendingIsLong = true;
    } else {
      this.pending = [];
      this.pendingIsLong = true;
    }
    this.pendingBytes += rest.length;
  }

  /** Without keepRaw no Buffer view is made for a line (the common, hot case). */
  private lineIn(chunk: Buffer, start: number, end: number, encoding: 'latin1' | 'utf8'): FileLine {
    const bytes = end - start;
    if (bytes > this.maxKept) {
      this.onLongLineBytes?.(chunk.subarray(start, end), this.number);
      return { number: this.number, text: null, raw: null, bytes };
    }
    const raw = this.keepRaw ? chunk.subarray(start, end) : null;
    return { number: this.number, text: chunk.toString(encoding, start, end), raw, bytes };
  }

  private completePending(tail: Buffer): FileLine {
    const bytes = this.pendingBytes + tail.length;
    this.number += 1;
    let line: FileLine;
    if (bytes > this.maxKept) {
      if (this.onLongLineBytes) {
        for (const piece of this.pending) this.onLongLineBytes(piece, this.number);
        if (tail.length > 0) this.onLongLineBytes(tail, this.number);
      }
      line = { number: this.number, text: null, raw: null, bytes };
    } else {
      const raw = Buffer.concat([...this.pending, tail]);
      line = { number: this.number, text: raw.toString('utf8'), raw: this.keepRaw ? raw : null, bytes };
    }
    this.pending = [];
    this.pendingBytes = 0;
    this.pendingIsLong = false;
    return line;
  }
}
