import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { commonJsExports } from './commonjs-import.js';
import { JobError } from './job-error.js';
import {
  isAbandonedFutureLock,
  lockFileSystem,
  lockHolders,
  readLockOwner,
  removeLockFolder,
} from './lock-owner.js';
import { makeFolder } from './make-folder.js';

export const DEFAULT_LOCK_STALE_SECONDS = 600;

export interface HeldLock {
  readonly path: string;
  readonly latencyMs: number;
  /** Aborted when the lock is compromised (another process took it over, or its folder vanished). */
  readonly compromised: AbortSignal;
  release(): Promise<void>;
}

export interface LockOptions {
  staleSeconds?: number;
  /** How long to wait for a busy lock; 0 means fail at once (job locks), >0 polls (shared files). */
  waitMs?: number;
  /** stops the wait (the result is then null) */
  signal?: AbortSignal;
  /** what takes the lock (a job's or command's name), recorded in the lock's owner record */
  holder?: string;
  /** waits for a busy lock only while its holder is one of these (default: whoever holds it) */
  waitWhileHeldBy?: readonly string[];
}

const LOCK_STALE_MIN_MS = 2000;
const MIN_RETRY_PAUSE_MS = 5;
const MAX_RETRY_PAUSE_MS = 40;
// Locks around a single append are held for milliseconds; a holder killed inside one is taken over quickly.
const SHORT_LOCK_STALE_SECONDS = 5;

function isLockBusy(error: unknown): boolean {
  return (error as NodeJS.ErrnoException)?.code === 'ELOCKED';
}

/** Locks this process holds, for a shutdown that cannot wait for their normal release. */
const heldLocks = new Set<string>();

/**
 * Removes every lock this process holds, synchronously: for a process that must end at once
 * (a stuck read after SIGTERM) and cannot run the asynchronous releases.
 */
export function releaseHeldLocksSync(): void {
  for (const path of heldLocks) {
    try {
      lockFileSystem.rmdirSync(path);
    } catch {
      // already gone or taken over: nothing of ours to remove
    }
  }
  heldLocks.clear();
}

/** A lock taken this recently may not have its owner record yet: its holder is still writing it. */
const OWNER_RECORD_GRACE_MS = 1000;

/**
 * Whether a busy lock's holder is one `waitWhileHeldBy` names (anyone, without it). A lock whose
 * owner record is not there yet and that was taken moments ago is waited for too (its holder is
 * between taking the lock and saying who it is), and so is one released since the attempt.
 */
async function worthWaitingFor(lockPath: string, options: LockOptions): Promise<boolean> {
  if (options.waitWhileHeldBy === undefined) return true;
  const owner = await readLockOwner(lockPath);
  if (owner === null) {
    const stats = await stat(lockPath).catch(() => null);
    // released since the attempt: try again at once
    if (stats === null) return true;
    return Date.now() - (stats.birthtimeMs || stats.ctimeMs) < OWNER_RECORD_GRACE_MS;
  }
  return owner.holder !== undefined && options.waitWhileHeldBy.includes(owner.holder);
}

/**
 * Takes a mkdir-based lock at exactly `lockPath` (works on NFS), recording the holder's pid and
 * host inside it (lock-owner.ts). A lock whose holder stopped refreshing it for `staleSeconds`
 * is taken over; so is a lock dated in the future once its owner is known to be gone or its
 * change time shows no refresh for `staleSeconds`. Returns null when the lock is held by a live
 * run and `waitMs` is 0.
 */
export async function tryAcquireLock(lockPath: string, options: LockOptions = {}): Promise<HeldLock | null> {
  const staleMs = Math.max(LOCK_STALE_MIN_MS, (options.staleSeconds ?? DEFAULT_LOCK_STALE_SECONDS) * 1000);
  const waitMs = options.waitMs ?? 0;
  const controller = new AbortController();
  // Loaded on first use: --help, --config-dump and usage errors never take a lock.
  const lockfile = commonJsExports(await import('proper-lockfile'));
  const started = performance.now();
  await makeFolder(dirname(lockPath));
  const lockOptions = {
    lockfilePath: lockPath,
    realpath: false,
    fs: lockFileSystem,
    stale: staleMs,
    update: Math.max(1000, Math.floor(staleMs / 4)),
    retries: 0,
    onCompromised: (error: Error) => {
      controller.abort(
        new JobError('lock_compromised', `lock ${lockPath} was compromised: ${error.message}`, {
          lock_file: lockPath,
        }),
      );
    },
  };
  // proper-lockfile's own retries would also retry errors such as EACCES for the whole wait;
  // only a busy lock is worth waiting for.
  const deadline = started + waitMs;
  let pause = MIN_RETRY_PAUSE_MS;
  let release: () => Promise<void>;
  if (options.holder === undefined) lockHolders.delete(lockPath);
  else lockHolders.set(lockPath, options.holder);
  for (;;) {
    try {
      release = await lockfile.lock(lockPath, lockOptions);
      break;
    } catch (error) {
      const remaining = deadline - performance.now();
      if (!isLockBusy(error)) throw error;
      if ((await isAbandonedFutureLock(lockPath, staleMs)) && (await removeLockFolder(lockPath))) continue;
      if (remaining <= 0 || options.signal?.aborted || !(await worthWaitingFor(lockPath, options)))
        return null;
      // Jitter keeps waiting processes from retrying in lockstep.
      await sleep(Math.min(remaining, pause * (0.5 + Math.random())));
      pause = Math.min(MAX_RETRY_PAUSE_MS, pause * 1.5);
    }
  }
  const latencyMs = Math.round(performance.now() - started);
  heldLocks.add(lockPath);
  let released = false;
  return {
    path: lockPath,
    latencyMs,
    compromised: controller.signal,
    async release() {
      if (released) return;
      released = true;
      heldLocks.delete(lockPath);
      if (controller.signal.aborted) return;
      await release().catch(() => undefined);
    },
  };
}

/** Runs `body` while holding the lock, waiting for it up to `waitMs`. */
export async function withLock<T>(lockPath: string, waitMs: number, body: () => Promise<T>): Promise<T> {
  const lock = await tryAcquireLock(lockPath, { waitMs, staleSeconds: SHORT_LOCK_STALE_SECONDS });
  if (!lock) {
    throw new JobError('lock_timeout', `could not take lock ${lockPath} within ${waitMs} ms`, {
      lock_file: lockPath,
    });
  }
  try {
    return await body();
  } finally {
    await lock.release();
  }
}
