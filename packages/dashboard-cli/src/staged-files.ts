import { readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { commitTempFile, mappingWriteFailure, tempPathFor, writeSyncedFile } from '@obs-automation/core';

/**
 * Files of one bundle written to temporary files first (fsync'ed) and renamed into place one
 * after the other only once all of them are ready: the datasets and their manifest change
 * within milliseconds of each other, and a failure before the commit changes nothing.
 */
export class StagedFiles {
  private readonly staged: { temp: string; target: string }[] = [];

  async stage(target: string, bytes: Uint8Array): Promise<void> {
    const temp = tempPathFor(target);
    this.staged.push({ temp, target });
    // A failure names the file staged, never its temporary name.
    await mappingWriteFailure(target, () => writeSyncedFile(temp, bytes, 'w'));
  }

  /** Renames the staged files into place in the order they were staged. */
  async commit(): Promise<void> {
    while (this.staged.length > 0) {
      const { temp, target } = this.staged[0] as { temp: string; target: string };
      await commitTempFile(temp, target);
      this.staged.shift();
    }
  }

  async discard(): Promise<void> {
    await Promise.all(this.staged.splice(0).map(({ temp }) => rm(temp, { force: true })));
  }
}

/**
 * Removes temporary files a crashed run left beside `targets` (the job lock is held, so no live
 * run owns them).
 */
export async function removeStaleTempFiles(targets: readonly string[]): Promise<void> {
  const byFolder = new Map<string, string[]>();
  for (const target of targets) {
    byFolder.set(dirname(target), [...(byFolder.get(dirname(target)) ?? []), `.${basename(target)}.tmp-`]);
  }
  for (const [folder, prefixes] of byFolder) {
    const names = await readdir(folder).catch(() => [] as string[]);
    for (const name of names) {
      if (prefixes.some((prefix) => name.startsWith(prefix))) await rm(join(folder, name), { force: true });
    }
  }
}
