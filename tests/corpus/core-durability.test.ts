/**
 * Durability guarantees of automation-core, proved through the jobs: heartbeats with a BOM,
 * run-log appends on a full disk, and temporary files of killed atomic writes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runRecord } from '../latency/latency-run.js';
import { makeWorkspace } from '../support/cli-process.js';
import { HEARTBEATS, runLogEntry } from '../verify/support/verify-workspace.js';
import { expectNoTemporaryFiles } from './support/artefact-checks.js';
import { withBom } from './support/bad-inputs.js';
import { describeCorpus } from './support/corpus-runner.js';
import { crashThenRerun } from './support/crash-rerun.js';
import { filesUnder, fillDisk, firstTornLine } from './support/disk-files.js';
import { fullDiskTest } from './support/full-disk-scenario.js';
import {
  DAILY,
  DASHBOARD,
  type JobUnderTest,
  LATENCY,
  REBUILD_LOG,
  runJobCli,
  VERIFY,
  WEEKLY,
} from './support/jobs-under-test.js';
import { mountsAllowed, mountTmpfs, unmount } from './support/test-mounts.js';
import { passes, VERIFY_TABLE } from './support/verify-table.js';

// A heartbeat saved with a UTF-8 BOM reads like any other JSON or YAML input of the project.
describeCorpus({
  ...VERIFY_TABLE,
  title: 'automation-core: heartbeats',
  cases: [passes('heartbeat: UTF-8 BOM', { [HEARTBEATS.latency]: withBom })],
});

const DISK = 'disk';
const LOG = `${DISK}/automation_runs.log`;
const MOUNTS_ALLOWED = mountsAllowed();
/** A log line that leaves 96 bytes free in its last 4 KiB page: the next entry cannot fit. */
const PADDED_LINE_BYTES = 4000;

function paddedLogLine(): string {
  const entry = runLogEntry({ sequence: 1, job: 'weekly' });
  const bare = JSON.stringify({ ...entry, diagnostics: { note: '' } });
  return JSON.stringify({ ...entry, diagnostics: { note: 'x'.repeat(PADDED_LINE_BYTES - 1 - bare.length) } });
}

// On a full disk every job fails with log_write_failed and the run log stays byte-identical: an
// entry whose sequence file could not be replaced is taken back out, so log_write_failed always
// means "not logged".
describe.skipIf(!MOUNTS_ALLOWED).each([WEEKLY, DASHBOARD, LATENCY, VERIFY, DAILY])(
  'automation-core: $name on a full disk',
  (job) => fullDiskTest(job),
);

// A process killed between an atomic write and its rename leaves a temporary file; the next
// atomic write into that folder removes it, since its process is gone.
describe('automation-core: temporary files of a killed write', () => {
  it.concurrent.for([WEEKLY, DASHBOARD, REBUILD_LOG].map((job): [string, JobUnderTest] => [job.name, job]))(
    '%s killed at atomic:before-rename: the re-run leaves no temporary file',
    { timeout: 60_000 },
    ([, job], { expect }) =>
      crashThenRerun({ job, point: 'atomic:before-rename' }, expect, ({ root }) =>
        expectNoTemporaryFiles(root, expect),
      ),
  );
});

describe.skipIf(!MOUNTS_ALLOWED)('automation-core: a log append on a full disk', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  let mounted = false;
  const args = { extraArgs: WEEKLY.outputsUnder(DISK) };

  beforeEach(async () => {
    ({ root, cleanup } = await makeWorkspace('obs-core-full-disk-'));
    await WEEKLY.prepare(root);
    await mkdir(join(root, DISK));
    mounted = mountTmpfs(join(root, DISK), 1024 * 1024);
    if (!mounted) throw new Error('the probe allowed mounts but mounting the tmpfs failed');
  });
  afterEach(async () => {
    if (mounted) unmount(join(root, DISK));
    await cleanup();
  });

  // The kernel may write part of a line and return a short count without an error; the append
  // is then undone and reported, never left as a torn half line.
  it('a log append that does not fit leaves no torn line', async () => {
    const line = paddedLogLine();
    expect(Buffer.byteLength(line) + 1).toBe(PADDED_LINE_BYTES);
    await writeFile(join(root, LOG), `${line}\n`);
    await writeFile(join(root, `${DISK}/automation_runs.sequence`), '{"value": 1}\n');
    fillDisk(join(root, DISK));

    const result = await runJobCli(WEEKLY, root, args);
    expect(JSON.parse(result.stdout).diagnostics.error_code).toBe('log_write_failed');
    const log = (await filesUnder(root, DISK)).get(LOG)?.toString('utf8') ?? '';
    expect(firstTornLine(log), 'the run log has a torn line').toBeNull();
    expect(log).toBe(`${line}\n`);
  });
});

// `record` writes its lock's owner record before anything else: on a full disk that write fails
// like any other write (disk_full naming the file), never as an unexplained internal error.
describe.skipIf(!MOUNTS_ALLOWED)('automation-core: a lock taken on a full disk', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  let mounted = false;

  beforeEach(async () => {
    ({ root, cleanup } = await makeWorkspace('obs-core-full-lock-'));
    await mkdir(join(root, 'ops'));
    mounted = mountTmpfs(join(root, 'ops'), 256 * 1024);
    if (!mounted) throw new Error('the probe allowed mounts but mounting the tmpfs failed');
  });
  afterEach(async () => {
    if (mounted) unmount(join(root, 'ops'));
    await cleanup();
  });

  it('obs-latency record fails with disk_full and leaves no lock behind', async () => {
    fillDisk(join(root, 'ops'));
    const result = await runRecord(root, ['--source', 'router_demo', '--latency-ms', '120']);
    const summary = JSON.parse(result.stdout);
    expect(result.exitCode, result.stdout).toBe(1);
    expect(summary.diagnostics.error_code).toBe('disk_full');
    expect(summary.diagnostics.error_message).toContain('.latency.lock/owner.json');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    const left = [...(await filesUnder(root, 'ops')).keys()];
    expect(left).toEqual(['ops/filler.bin']);
  });
});
