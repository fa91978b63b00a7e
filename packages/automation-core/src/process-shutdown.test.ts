import { execFileSync } from 'node:child_process';
import { constants } from 'node:fs';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasPendingFileSystemWork } from './process-shutdown.js';

describe('hasPendingFileSystemWork', () => {
  it('sees a read blocked on a FIFO, and nothing once it has completed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'core-shutdown-'));
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    try {
      const read = readFile(fifo);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(hasPendingFileSystemWork()).toBe(true);
      // A writer that opens and closes the FIFO releases the blocked reader with end of file.
      await (await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK)).close();
      expect((await read).length).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(hasPendingFileSystemWork()).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
