import { createHash, type Hash } from 'node:crypto';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { commitTempFile, makeFolder, tempPathFor } from '@obs-automation/core';

/** Level 1 compresses latency CSV about 4:1 at several times the speed of the default level. */
const GZIP_LEVEL = 1;

export interface ClosedFile {
  /** lower-case hex SHA-256 of the bytes on disk */
  sha256: string;
  bytes: number;
}

/**
 * Streams data into a temporary file beside its target (optionally gzip-compressed), hashing the
 * bytes as they reach the disk; `commit` then fsyncs and renames it into place.
 */
export class TempFileWriter {
  private readonly input: Writable;
  private readonly done: Promise<void>;
  private readonly hash: Hash = createHash('sha256');
  private size = 0;
  private closed: ClosedFile | null = null;

  private constructor(
    readonly tempPath: string,
    gzip: boolean,
  ) {
    const file: WriteStream = createWriteStream(tempPath);
    const hash = this.hash;
    const tap = new Transform({
      transform: (chunk: Buffer, _encoding, callback) => {
        hash.update(chunk);
        this.size += chunk.length;
        callback(null, chunk);
      },
    });
    if (gzip) {
      const compressor = createGzip({ level: GZIP_LEVEL, chunkSize: 1 << 18 });
      this.input = compressor;
      this.done = pipeline(compressor, tap, file);
    } else {
      this.input = tap;
      this.done = pipeline(tap, file);
    }
    // Errors surface through close(); this keeps an early failure from being unhandled.
    this.done.catch(() => undefined);
  }

  /** Opens a writer whose temporary file sits beside `target` (its folder is created when missing). */
  static open(target: string, options: { gzip?: boolean } = {}): TempFileWriter {
    mkdirSync(dirname(target), { recursive: true });
    return new TempFileWriter(tempPathFor(target), options.gzip ?? false);
  }

  write(data: Uint8Array | string): void {
    this.input.write(data);
  }

  /** Resolves once buffered data has been handed on, so memory stays flat. */
  async drain(): Promise<void> {
    if (!this.input.writableNeedDrain) return;
    await new Promise<void>((resolve, reject) => {
      const onDrain = () => {
        this.input.off('error', onError);
        resolve();
      };
      const onError = (error: Error) => {
        this.input.off('drain', onDrain);
        reject(error);
      };
      this.input.once('drain', onDrain);
      this.input.once('error', onError);
    });
  }

  async close(): Promise<ClosedFile> {
    if (this.closed) return this.closed;
    this.input.end();
    await this.done;
    this.closed = { sha256: this.hash.digest('hex'), bytes: this.size };
    return this.closed;
  }

  /** fsync, rename over `target`, fsync the folder. */
  async commit(target: string): Promise<void> {
    await this.close();
    await makeFolder(dirname(target), target);
    await commitTempFile(this.tempPath, target);
  }

  async discard(): Promise<void> {
    this.input.destroy();
    await this.done.catch(() => undefined);
    await rm(this.tempPath, { force: true });
  }
}
