import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** Root-relative path (with `/`) → SHA-256 of the file's bytes, for every file under a folder. */
export type WorkspaceSnapshot = Map<string, string>;

function hashFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

export async function snapshotWorkspace(root: string): Promise<WorkspaceSnapshot> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const snapshot: WorkspaceSnapshot = new Map();
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const absolute = join(entry.parentPath, entry.name);
    snapshot.set(relative(root, absolute).split(sep).join('/'), await hashFile(absolute));
  }
  return snapshot;
}

/**
 * The files of `before` that are gone or whose bytes changed in `after`, apart from those the
 * job is allowed to rewrite.
 */
export function changedFiles(
  before: WorkspaceSnapshot,
  after: WorkspaceSnapshot,
  mayRewrite: (path: string) => boolean,
): string[] {
  return [...before]
    .filter(([path, hash]) => !mayRewrite(path) && after.get(path) !== hash)
    .map(([path]) => path);
}
