import { constants } from 'node:fs';
import { access, chmod, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** A memory-backed file system present on Linux; elsewhere the tests keep the system's temporary folder. */
const TMPFS = '/dev/shm';

/**
 * Global setup: every temporary workspace of the run goes into one folder on tmpfs (TMPDIR, which
 * the test processes and the jobs they start inherit), removed when the run ends. The jobs fsync
 * every write they make; on a disk those waits were a tenth of the e2e tests' wall time, and
 * nothing the tests assert depends on the device (crashes are SIGKILL, not power loss).
 * OBS_TEST_TMPDIR names another folder, or `system` for the system's own.
 */
export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  const chosen = process.env.OBS_TEST_TMPDIR ?? TMPFS;
  if (chosen === 'system') return undefined;
  try {
    await access(chosen, constants.W_OK);
  } catch {
    return undefined;
  }
  const folder = await mkdtemp(join(chosen, 'obs-tests-'));
  // as /tmp is: the tests that run a job as another user (nobody) must reach their workspace
  await chmod(folder, 0o1777);
  process.env.TMPDIR = folder;
  return () => rm(folder, { recursive: true, force: true });
}
