import { hostname } from 'node:os';

/**
 * This process as other processes sharing a volume see it. A pid means something only on the
 * host that issued it, so every record that names a pid (temporary file names, lock owners)
 * names the host too.
 */
export function thisHost(): string {
  return hostname() || 'unknown-host';
}

/** Whether `pid` is a live process on this host (a process of another user counts as alive). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
