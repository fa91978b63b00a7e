// Locks a killed run left behind. Locks go stale by their real modification time, so aging one
// stands in for the wait between two scheduled runs: the soak between its steps, the crash tests
// between a killed run and its re-run (the takeover in real time is core's own test).
import { readdir, utimes } from 'node:fs/promises';
import { join } from 'node:path';

/** Lock folders present now: the jobs' (`ops/.<job>.lock`) and the state locks beside their files. */
export async function lockFolders(root) {
  const entries = await readdir(join(root, 'ops'), { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory() && entry.name.endsWith('.lock'))
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name));
}

/**
 * Fifteen minutes pass between two cron runs: a lock a killed run left behind has not been
 * refreshed for that long when the next run looks at it. Call only while no job runs in `root`.
 * Returns how many locks were aged.
 */
export async function ageLeftLocks(root) {
  const aged = await lockFolders(root);
  const then = new Date(Date.now() - 16 * 60_000);
  for (const path of aged) await utimes(path, then, then).catch(() => {});
  return aged.length;
}
