import { appendChunks, type FileKind, openInputStream } from '@obs-automation/core';
import { csvField, csvLine, csvQuotedBytes } from '@obs-automation/latency-store';

/**
 * Columns of the rejects file: the first three name the row (its line in `source_file`, why it
 * was rejected, its original bytes, unchanged — however long); `rejected_at` tells runs apart.
 */
export const REJECTS_HEADER = 'line,reason,raw,source_file,rejected_at';

/** Buffer above which rejected rows are flushed during a pass, so memory stays flat. */
const FLUSH_BYTES = 1 << 20;

/**
 * A rejected line too long to hold in memory, where it still is: `length` bytes from `start` of
 * a file the caller keeps in place until the rejects are flushed (the raw file before it is
 * replaced, a spool file of `record`).
 */
export interface StoredBytes {
  path: string;
  kind: FileKind;
  start: number;
  length: number;
}

/** One rejected row of the rejects file: its bytes in memory, or where they are stored. */
type PendingRow = Buffer | { head: Buffer; stored: StoredBytes; tail: Buffer };

/** The stored bytes, streamed in chunks and quoted as the inside of a CSV field. */
async function* quotedBytesOf(stored: StoredBytes): AsyncGenerator<Buffer> {
  if (stored.length === 0) return;
  const input = await openInputStream(stored.path, {
    kind: stored.kind,
    shown: stored.path,
    start: stored.start,
    end: stored.start + stored.length - 1,
  });
  if (!input) throw new Error(`${stored.path} disappeared before its rejected line was copied`);
  for await (const chunk of input) yield csvQuotedBytes(chunk as Buffer);
}

async function* recordsOf(rows: readonly PendingRow[]): AsyncGenerator<Uint8Array> {
  for (const row of rows) {
    if (Buffer.isBuffer(row)) {
      yield row;
      continue;
    }
    yield row.head;
    yield* quotedBytesOf(row.stored);
    yield row.tail;
  }
}

/**
 * Collects rows that could not be read and appends them to the rejects file: nothing a writer
 * produced is dropped silently, and a line of any length is kept whole — copied in chunks from
 * where it is stored, never held in memory. The caller holds the latency lock, which guards
 * this file too.
 */
export class RejectsWriter {
  private buffered: PendingRow[] = [];
  private bufferedBytes = 0;
  count = 0;
  /** rejects already on disk */
  flushed = 0;
  readonly firstReasons: { line: number; reason: string }[] = [];

  constructor(
    readonly path: string,
    private readonly sourceFile: string,
    private readonly rejectedAt: string,
  ) {}

  /** Adds a rejected row: its original bytes, or where a line too long to hold is stored. */
  add(line: number, reason: string, raw: Uint8Array | StoredBytes): void {
    const head = Buffer.from(`${line},${csvField(reason)},"`, 'utf8');
    const tail = Buffer.from(`",${csvLine([this.sourceFile, this.rejectedAt])}\n`, 'utf8');
    const row: PendingRow =
      raw instanceof Uint8Array
        ? Buffer.concat([head, csvQuotedBytes(raw), tail])
        : { head, stored: raw, tail };
    this.buffered.push(row);
    this.bufferedBytes += Buffer.isBuffer(row) ? row.length : head.length + tail.length;
    this.count += 1;
    if (this.firstReasons.length < 20) this.firstReasons.push({ line, reason });
  }

  get needsFlush(): boolean {
    return this.bufferedBytes >= FLUSH_BYTES;
  }

  async flush(): Promise<void> {
    if (this.buffered.length === 0) return;
    const rows = this.buffered;
    await appendChunks(this.path, recordsOf(rows), { header: REJECTS_HEADER });
    this.buffered = [];
    this.bufferedBytes = 0;
    this.flushed += rows.length;
  }
}
