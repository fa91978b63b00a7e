import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { makeWorkspace } from '../../support/cli-process.js';
import { filesUnder, fillDisk, firstTornLine } from './disk-files.js';
import { type JobUnderTest, minutesLater, runJobCli } from './jobs-under-test.js';
import { mountTmpfs, unmount } from './test-mounts.js';

const DISK = 'disk';
const LOG = `${DISK}/automation_runs.log`;
const DISK_BYTES = 1024 * 1024;
/** A log and sequence file the workspace already has move onto the disk with the other outputs. */
const LOG_FILES = ['automation_runs.log', 'automation_runs.sequence'];

/**
 * Registers the full-disk test for one job (inside a describe): every output of the job, run
 * log and sequence included, lives on a small tmpfs. A first run succeeds; then the rest of the
 * space is taken and a second run must fail with its write error — exit 1, log_write_failed —
 * leaving every earlier artefact byte-identical (the run log at least keeping every line it had),
 * every JSON artefact parseable, no line torn and no temporary file behind.
 */
export function fullDiskTest(job: JobUnderTest): void {
  let root: string;
  let cleanup: () => Promise<void>;
  let mounted = false;

  beforeEach(async () => {
    ({ root, cleanup } = await makeWorkspace(`obs-full-disk-${job.name}-`));
    await job.prepare(root);
    await mkdir(join(root, DISK));
    mounted = mountTmpfs(join(root, DISK), DISK_BYTES);
    if (!mounted) throw new Error('the probe allowed mounts but mounting the tmpfs failed');
    for (const name of LOG_FILES)
      await copyFile(join(root, 'ops', name), join(root, DISK, name)).catch(
        (error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
        },
      );
  });
  afterEach(async () => {
    if (mounted) unmount(join(root, DISK));
    await cleanup();
  });

  it('fails with log_write_failed and leaves no torn or changed file', async () => {
    const args = { extraArgs: job.outputsUnder(DISK) };
    const first = await runJobCli(job, root, args);
    expect(first.exitCode, first.stdout).toBe(0);
    fillDisk(join(root, DISK));
    const before = await filesUnder(root, DISK);

    const second = await runJobCli(job, root, { ...args, now: minutesLater(job, 15) });
    const context = `stdout:\n${second.stdout}\nstderr:\n${second.stderr.slice(0, 3000)}`;
    const summary = JSON.parse(second.stdout);
    expect(second.exitCode, context).toBe(1);
    expect(summary.status, context).toBe('error');
    expect(summary.diagnostics.error_code, context).toBe('log_write_failed');
    expect(summary.diagnostics.error_message, context).toContain(LOG);

    const after = await filesUnder(root, DISK);
    for (const [path, bytes] of before) {
      const now = after.get(path) as Buffer;
      expect(now?.equals(bytes), `${path} is byte-identical`).toBe(true);
    }
    for (const [path, bytes] of after) {
      expect(path, 'no temporary file is left').not.toMatch(/\.tmp-/);
      if (path.endsWith('.json')) expect(() => JSON.parse(bytes.toString('utf8')), path).not.toThrow();
      if (path.endsWith('.log') || path.endsWith('.jsonl'))
        expect(firstTornLine(bytes.toString('utf8')), `${path} has a torn line`).toBeNull();
    }
  });
}
