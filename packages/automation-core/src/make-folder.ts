import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFailure } from './write-failure.js';

/**
 * The folders from the deepest existing ancestor of `dir` down to `dir` itself, outermost first.
 */
async function missingFolders(dir: string): Promise<string[]> {
  const missing: string[] = [];
  let current = dir;
  for (;;) {
    const found = await stat(current).catch(() => null);
    if (found) return missing.reverse();
    missing.push(current);
    const parent = dirname(current);
    if (parent === current) return missing.reverse();
    current = parent;
  }
}

/**
 * `mkdir -p` whose failure says why: Node's recursive mkdir reports ENOENT when a parent is on a
 * read-only file system or not writable, so on ENOENT the missing folders are created one by one
 * to surface the real error. Failures are mapped by writeFailure (`output_not_writable`,
 * `disk_full`), naming `target` (the file the folder is for; default the folder itself) and the
 * folder at fault: the parent in which a folder could not be created.
 */
export async function makeFolder(dir: string, target: string = dir): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw writeFailure(error, target);
  }
  for (const folder of await missingFolders(dir)) {
    try {
      await mkdir(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw writeFailure(error, target, dirname(folder));
      }
    }
  }
}
