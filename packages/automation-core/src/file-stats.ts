import { lstatSync, type Stats, statSync } from 'node:fs';

/**
 * A path's stats, through a link when `followSymlinks`, asked synchronously; null when it is
 * missing or cannot be asked (the callers then decide what that means).
 */
export function statsOrNull(path: string, followSymlinks: boolean): Stats | null {
  try {
    return (followSymlinks ? statSync : lstatSync)(path, { throwIfNoEntry: false }) ?? null;
  } catch {
    return null;
  }
}
