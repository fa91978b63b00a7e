import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function tryMount(args: readonly string[]): boolean {
  try {
    execFileSync('mount', args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function unmount(dir: string): void {
  execFileSync('umount', [dir], { stdio: 'ignore' });
}

/**
 * Makes a folder read-only in place (a read-only bind mount of itself), so writes fail with
 * EROFS even for root, for whom chmod does not stop writes. False when mounts are not allowed;
 * undo with `unmount`.
 */
export function mountReadOnly(dir: string): boolean {
  if (!tryMount(['--bind', dir, dir])) return false;
  if (tryMount(['-o', 'remount,ro,bind', dir])) return true;
  unmount(dir);
  return false;
}

/** Mounts an empty tmpfs of `sizeBytes` on `dir`; false when mounts are not allowed. */
export function mountTmpfs(dir: string, sizeBytes: number): boolean {
  return tryMount(['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', dir]);
}

/** Whether writing into a folder fails after chmod 0555 (not for root) — probed with a real write. */
export function chmodStopsWrites(): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'obs-chmod-probe-'));
  try {
    execFileSync('chmod', ['0555', dir]);
    try {
      writeFileSync(join(dir, 'probe'), 'x');
      return false;
    } catch {
      return true;
    }
  } finally {
    execFileSync('chmod', ['0755', dir]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether this process may mount a read-only bind mount and a tmpfs (root in a permissive sandbox). */
export function mountsAllowed(): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'obs-mount-probe-'));
  try {
    if (!mountTmpfs(dir, 64 * 1024)) return false;
    unmount(dir);
    if (!mountReadOnly(dir)) return false;
    unmount(dir);
    return true;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
