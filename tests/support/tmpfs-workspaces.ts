import { constants } from 'node:fs';
import { access, chmod, mkdtemp, rm, statfs } from 'node:fs/promises';
import { join } from 'node:path';

/** A memory-backed file system present on Linux; elsewhere the tests keep the system's temporary folder. */
const TMPFS = '/dev/shm';
/**
 * The room the suite needs at its peak (the long-line tests write several 128 MiB files at once).
 * A container's /dev/shm is often 64 MB: then the system's temporary folder is used.
 */
const TMPFS_FREE_BYTES = 2 * 1024 ** 3;

async function usable(folder: string, named: boolean): Promise<boolean> {
  try {
    await access(folder, constants.W_OK);
    if (named) return true;
    const { bavail, bsize } = await statfs(folder);
    return bavail * bsize >= TMPFS_FREE_BYTES;
  } catch {
    return false;
  }
}

/**
 * Global setup: every temporary workspace of the run goes into one folder on tmpfs (TMPDIR, which
 * the test processes and the jobs they start inherit), removed when the run ends. The jobs fsync
 * every write they make; on a disk those waits were about 5 % of the e2e tests’ wall time, and
 * nothing the tests assert depends on the device (crashes are SIGKILL, not power loss).
 * OBS_TEST_TMPDIR names another folder, or `system` for the system's own; without 2 GiB free on
 * /dev/shm the system's is used.
 */
export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  const named = process.env.OBS_TEST_TMPDIR;
  const chosen = named ?? TMPFS;
  if (chosen === 'system' || !(await usable(chosen, named !== undefined))) return undefined;
  const folder = await mkdtemp(join(chosen, 'obs-tests-'));
  // as /tmp is: the tests that run a job as another user (nobody) must reach their workspace
  await chmod(folder, 0o1777);
  process.env.TMPDIR = folder;
  return () => rm(folder, { recursive: true, force: true });
}
