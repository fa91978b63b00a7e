import { closeSync, openSync, writeSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** Root-relative path (with `/`) → bytes, for every file under `dir`. */
export async function filesUnder(root: string, dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const entries = await readdir(join(root, dir), { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const absolute = join(entry.parentPath, entry.name);
    files.set(relative(root, absolute).split(sep).join('/'), await readFile(absolute));
  }
  return files;
}

/** Fills the file system holding `dir` until a write fails with ENOSPC; returns the bytes written. */
export function fillDisk(dir: string): number {
  const handle = openSync(join(dir, 'filler.bin'), 'w');
  const chunk = Buffer.alloc(4096, 0x2e);
  let written = 0;
  try {
    for (;;) written += writeSync(handle, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(handle);
  }
  return written;
}

/** Every line of a JSON-lines text parses; returns the first that does not (1-based), or null. */
export function firstTornLine(text: string): number | null {
  const lines = text.split('\n');
  if (lines.at(-1) !== '') return lines.length;
  for (const [index, line] of lines.slice(0, -1).entries()) {
    try {
      JSON.parse(line);
    } catch {
      return index + 1;
    }
  }
  return null;
}
