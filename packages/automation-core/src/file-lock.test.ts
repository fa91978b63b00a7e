import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { releaseHeldLocksSync, tryAcquireLock, withLock } from './file-lock.js';
import { LOCK_OWNER_FILE } from './lock-owner.js';
import { thisHost } from './process-identity.js';

let dir: string;
let lockPath: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'core-lock-'));
  lockPath = join(dir, 'ops/.job.lock');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tryAcquireLock', () => {
  it('takes the lock at exactly the given path and releases it', async () => {
    const lock = await tryAcquireLock(lockPath);
    expect(lock).not.toBeNull();
    expect(existsSync(lockPath)).toBe(true);
    expect(lock?.latencyMs).toBeGreaterThanOrEqual(0);
    await lock?.release();
    await lock?.release();
    expect(existsSync(lockPath)).toBe(false);
  });

  it('is null while a live holder has it, and free again after release', async () => {
    const first = await tryAcquireLock(lockPath);
    expect(await tryAcquireLock(lockPath)).toBeNull();
    await first?.release();
    const again = await tryAcquireLock(lockPath);
    expect(again).not.toBeNull();
    await again?.release();
  });

  it('takes over a lock nobody refreshed for longer than the stale time', async () => {
    await mkdir(lockPath, { recursive: true });
    const old = new Date(Date.now() - 60_000);
    await utimes(lockPath, old, old);
    const lock = await tryAcquireLock(lockPath, { staleSeconds: 30 });
    expect(lock).not.toBeNull();
    await lock?.release();
  });

  it('leaves a recently refreshed lock alone', async () => {
    await mkdir(lockPath, { recursive: true });
    expect(await tryAcquireLock(lockPath, { staleSeconds: 30 })).toBeNull();
  });

  it('signals compromise when the lock folder disappears under the holder', async () => {
    const lock = await tryAcquireLock(lockPath, { staleSeconds: 2 });
    await rm(lockPath, { recursive: true });
    await new Promise<void>((resolve) => lock?.compromised.addEventListener('abort', () => resolve()));
    expect(lock?.compromised.reason).toMatchObject({ code: 'lock_compromised' });
    await lock?.release();
  }, 10_000);

  it('throws when the lock cannot be created at all', async () => {
    const file = join(dir, 'file');
    await writeFile(file, '');
    await expect(tryAcquireLock(join(file, '.job.lock'))).rejects.toMatchObject({
      code: 'output_not_writable',
      details: { folder: dir, errno: expect.stringMatching(/^E(EXIST|NOTDIR)$/) },
    });
  });
});

describe('lock owners and locks dated in the future', () => {
  const inTwoHours = () => new Date(Date.now() + 2 * 3600 * 1000);

  /** A lock folder left by someone else, its mtime two hours ahead (a skewed clock, or touch -d). */
  async function futureLock(owner: Record<string, unknown> | null): Promise<void> {
    await mkdir(lockPath, { recursive: true });
    if (owner) await writeFile(join(lockPath, LOCK_OWNER_FILE), JSON.stringify(owner));
    await utimes(lockPath, inTwoHours(), inTwoHours());
  }

  it("records the holder's pid and host inside the lock, and removes both on release", async () => {
    const lock = await tryAcquireLock(lockPath);
    expect(JSON.parse(await readFile(join(lockPath, LOCK_OWNER_FILE), 'utf8'))).toMatchObject({
      pid: process.pid,
      host: thisHost(),
    });
    await lock?.release();
    expect(existsSync(lockPath)).toBe(false);
  });

  it('takes over at once a future-dated lock whose owner on this host is gone', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid as number;
    await futureLock({ pid: dead, host: thisHost(), acquired_at: inTwoHours().toISOString() });
    const lock = await tryAcquireLock(lockPath);
    expect(lock).not.toBeNull();
    await lock?.release();
  });

  it('leaves a future-dated lock alone while its owner lives or someone refreshed it lately', async () => {
    await futureLock({ pid: process.ppid, host: thisHost(), acquired_at: 'x' });
    expect(await tryAcquireLock(lockPath)).toBeNull();
    await rm(lockPath, { recursive: true });
    await futureLock({ pid: 1, host: 'another-host', acquired_at: 'x' });
    expect(await tryAcquireLock(lockPath)).toBeNull();
  });

  it('takes over a future-dated lock of another host, or without an owner, once its change time is stale', async () => {
    await futureLock(null);
    expect(await tryAcquireLock(lockPath, { staleSeconds: 2 })).toBeNull();
    // The change time is set by the file system at the last refresh and cannot be dated ahead.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const lock = await tryAcquireLock(lockPath, { staleSeconds: 2 });
    expect(lock).not.toBeNull();
    await lock?.release();
  }, 10_000);

  it('releaseHeldLocksSync removes every lock this process holds', async () => {
    const lock = await tryAcquireLock(lockPath);
    releaseHeldLocksSync();
    expect(existsSync(lockPath)).toBe(false);
    await lock?.release();
  });
});

describe('withLock', () => {
  it('serialises bodies across holders', async () => {
    const order: string[] = [];
    const slow = withLock(lockPath, 5000, async () => {
      order.push('a:start');
      await new Promise((resolve) => setTimeout(resolve, 100));
      order.push('a:end');
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    await withLock(lockPath, 5000, async () => {
      order.push('b');
    });
    await slow;
    expect(order).toEqual(['a:start', 'a:end', 'b']);
    expect(existsSync(lockPath)).toBe(false);
  });

  it('gives up with lock_timeout after the wait', async () => {
    const holder = await tryAcquireLock(lockPath);
    await expect(withLock(lockPath, 100, async () => 'never')).rejects.toMatchObject({
      code: 'lock_timeout',
    });
    await holder?.release();
  });

  it('releases the lock when the body throws', async () => {
    await expect(
      withLock(lockPath, 1000, async () => {
        throw new Error('body failed');
      }),
    ).rejects.toThrow('body failed');
    expect(existsSync(lockPath)).toBe(false);
  });
});
