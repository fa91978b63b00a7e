import { rm } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import {
  commitTempFile,
  mappingWriteFailure,
  sweepAbandonedTempFiles,
  tempPathFor,
  writeSyncedFile,
} from '@obs-automation/core';

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
    // Created exclusively (a planted file or link at the temporary name is refused); a failure
    // names the file staged, never its temporary name.
    await mappingWriteFailure(target, () => writeSyncedFile(temp, bytes, 'wx'));
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
 * Removes temporary files a crashed run left beside `targets`: this host's whose writer is gone,
 * and any host's not written to for an hour — a run on another host sharing the volume may still
 * be writing its own.
 */
export async function removeStaleTempFiles(targets: readonly string[]): Promise<void> {
  for (const target of targets) {
    await sweepAbandonedTempFiles(dirname(target), { target: basename(target) });
  }
}
