import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer, text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openInputStream, readBoundedFile, readBoundedText } from './bounded-file-read.js';
import { JobError } from './job-error.js';
import { withSharedReads } from './shared-reads.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'core-bounded-read-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function refusalOf(read: Promise<unknown>): Promise<JobError> {
  const error = await read.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(JobError);
  return error as JobError;
}

function makeFifo(path: string): void {
  execFileSync('mkfifo', [path]);
}

describe('readBoundedFile', () => {
  it('reads a regular file, and reports a missing one as null', async () => {
    await writeFile(join(dir, 'input.json'), '\uFEFF{"a":1}');
    expect(await readBoundedText(join(dir, 'input.json'), { kind: 'json_input' })).toBe('{"a":1}');
    expect(await readBoundedFile(join(dir, 'missing.json'), { kind: 'json_input' })).toBeNull();
    expect(await readBoundedFile(join(dir, 'missing/below.json'), { kind: 'json_input' })).toBeNull();
  });

  it('refuses a FIFO at once instead of waiting for a writer, naming the file and its type', async () => {
    makeFifo(join(dir, 'pipe.json'));
    const started = performance.now();
    const error = await refusalOf(
      readBoundedFile(join(dir, 'pipe.json'), { kind: 'json_input', shown: 'in/pipe.json', what: 'input' }),
    );
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error.code).toBe('invalid_input');
    expect(error.message).toBe('input in/pipe.json is a FIFO, not a regular file');
    expect(error.details).toMatchObject({ file: 'in/pipe.json', reason: 'not_regular', file_type: 'FIFO' });
  });

  it.each([
    ['/dev/zero', 'character device'],
    ['/dev/null', 'character device'],
  ])('refuses %s (a %s) without reading it', async (device, type) => {
    const error = await refusalOf(readBoundedFile(device, { kind: 'heartbeat', code: 'heartbeat_corrupt' }));
    expect(error.code).toBe('heartbeat_corrupt');
    expect(error.details.file_type).toBe(type);
  });

  it('refuses a folder and a socket', async () => {
    await mkdir(join(dir, 'folder'));
    expect(
      (await refusalOf(readBoundedFile(join(dir, 'folder'), { kind: 'config' }))).details.file_type,
    ).toBe('folder');
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(join(dir, 'socket'), resolve));
    try {
      const error = await refusalOf(readBoundedFile(join(dir, 'socket'), { kind: 'config' }));
      expect(error.details.file_type).toBe('socket');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("refuses a file over the kind's cap before reading it", async () => {
    await writeFile(join(dir, 'big.json'), 'x'.repeat(100));
    const error = await refusalOf(
      readBoundedFile(join(dir, 'big.json'), { kind: 'json_input', maxBytes: 99 }),
    );
    expect(error.message).toContain('is 100 bytes, over the 99-byte cap for a json input');
    expect(error.details).toMatchObject({ reason: 'too_large', max_bytes: 99, size: 100 });
    expect(await readBoundedFile(join(dir, 'big.json'), { kind: 'json_input', maxBytes: 100 })).toHaveLength(
      100,
    );
  });

  it('refuses a link where the kind never has one, and follows it where it may', async () => {
    await writeFile(join(dir, 'real.yaml'), 'a: 1\n');
    await symlink(join(dir, 'real.yaml'), join(dir, 'linked.yaml'));
    expect(await readBoundedText(join(dir, 'linked.yaml'), { kind: 'config' })).toBe('a: 1\n');
    const error = await refusalOf(readBoundedFile(join(dir, 'linked.yaml'), { kind: 'heartbeat' }));
    expect(error.details.reason).toBe('symlink');
    expect(error.message).toContain('is a symbolic link');
    expect(
      (await refusalOf(readBoundedFile(join(dir, 'linked.yaml'), { kind: 'config', followSymlinks: false })))
        .details.reason,
    ).toBe('symlink');
  });

  // Up to 1 MiB a file is read with synchronous calls, beyond it through the thread pool.
  it.each([0, 1, 64 * 1024, 1024 * 1024 - 1, 1024 * 1024, 1024 * 1024 + 1, 3 * 1024 * 1024 + 7])(
    'reads all %i bytes of a file, whichever way it is read',
    async (size) => {
      const bytes = Buffer.alloc(size);
      for (let index = 0; index < size; index += 1) bytes[index] = (index * 7919) % 251;
      await writeFile(join(dir, 'data.json'), bytes);
      const read = await readBoundedFile(join(dir, 'data.json'), { kind: 'dataset' });
      expect(read?.equals(bytes)).toBe(true);
      const streamed = await withSharedReads(async () => {
        const stream = await openInputStream(join(dir, 'data.json'), { kind: 'csv_input' });
        return buffer(stream as NonNullable<typeof stream>);
      });
      expect(streamed.equals(bytes)).toBe(true);
      // outside a chain: streamed in chunks no larger than the file (or the range) needs
      const file = join(dir, 'data.json');
      const whole = await openInputStream(file, { kind: 'csv_input', highWaterMark: 1 << 20 });
      expect((await buffer(whole as NonNullable<typeof whole>)).equals(bytes)).toBe(true);
      if (size > 2) {
        const range = { start: 1, end: size - 2 };
        const part = await openInputStream(file, { kind: 'csv_input', highWaterMark: 1 << 20, ...range });
        expect((await buffer(part as NonNullable<typeof part>)).equals(bytes.subarray(1, size - 1))).toBe(
          true,
        );
      }
    },
  );

  it('escapes the shown name in messages', async () => {
    makeFifo(join(dir, 'p'));
    const error = await refusalOf(
      readBoundedFile(join(dir, 'p'), { kind: 'json_input', shown: 'a\nb\u202e' }),
    );
    expect(error.message).toContain('a\\nb\\u202e');
  });
});

describe('openInputStream', () => {
  it('streams a regular file (or a range of it) and refuses a FIFO at once', async () => {
    await writeFile(join(dir, 'raw.csv'), 'h\n1\n2\n');
    const stream = await openInputStream(join(dir, 'raw.csv'), { kind: 'csv_input', start: 2 });
    expect(await text(stream as NonNullable<typeof stream>)).toBe('1\n2\n');
    expect(await openInputStream(join(dir, 'missing.csv'), { kind: 'csv_input' })).toBeNull();
    makeFifo(join(dir, 'pipe.csv'));
    expect(
      (await refusalOf(openInputStream(join(dir, 'pipe.csv'), { kind: 'csv_input' }))).details.file_type,
    ).toBe('FIFO');
  });
});
