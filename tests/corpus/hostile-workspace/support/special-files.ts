import { execFileSync } from 'node:child_process';
import { mkdir, rm, truncate, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { plantLink } from './plant.js';

/** What takes an input's place: a FIFO no writer ever opens, a device linked in, or a huge sparse file. */
export type SpecialFile = 'fifo' | '/dev/zero' | '/dev/urandom' | { sparseBytes: number };

export function describeSpecial(special: SpecialFile): string {
  if (special === 'fifo') return 'a FIFO';
  if (typeof special === 'string') return `a link to ${special}`;
  return `a ${Math.round(special.sparseBytes / (1024 * 1024))} MiB (sparse) file`;
}

/** Replaces `path` under the root with the special file (its folders created). */
export async function plantSpecial(root: string, path: string, special: SpecialFile): Promise<void> {
  const absolute = join(root, path);
  await rm(absolute, { recursive: true, force: true });
  await mkdir(dirname(absolute), { recursive: true });
  if (special === 'fifo') execFileSync('mkfifo', [absolute]);
  else if (typeof special === 'string') await plantLink(root, path, special);
  else {
    // Sparse: the size is recorded, no disk is used; a reader that trusts it reads zeros.
    await writeFile(absolute, '');
    await truncate(absolute, special.sparseBytes);
  }
}
