import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ageLeftLocks } from '../../scripts/soak/left-locks.mjs';
import { makeWorkspace } from '../support/cli-process.js';
import { entriesByPlace, range, SEGMENT_MANIFEST, SEGMENTS } from './support/segment-workspace.js';
import {
  checkNamed,
  type JsonDocument,
  LOG,
  readJsonLines,
  runVerify,
  writeHealthyWorkspace,
} from './support/verify-workspace.js';

const MANIFEST = SEGMENT_MANIFEST;

/**
 * Each test has a workspace of its own: the tests run at once (describe.concurrent), since most of
 * each one is the wait for its killed run's lock to go stale.
 */
async function inWorkspace(test: (root: string) => Promise<void>): Promise<void> {
  const { root, cleanup } = await makeWorkspace('obs-verify-segments-crash-');
  try {
    await test(root);
  } finally {
    await cleanup();
  }
}

/** Sequences of the listed segments and of the open log, each line counted where it is. */
async function sequencesByPlace(root: string): Promise<{ sealed: number[]; open: number[] }> {
  const { sealed, open } = await entriesByPlace(root);
  return { sealed: sealed.map((entry) => entry.sequence), open: open.map((entry) => entry.sequence) };
}

/** Runs obs-verify again once the killed run's locks are as old as the next scheduled run finds them. */
async function rerunAfter(root: string, args: string[], now?: string) {
  await ageLeftLocks(root);
  return runVerify(root, [...args, '--lock-stale-seconds', '2'], now ? { now } : {});
}

function expectLogChecksPass(report: JsonDocument): void {
  for (const name of ['log_schema', 'sequence', 'log_segments']) {
    expect(checkNamed(report, name)[0]?.status, `${name}: ${JSON.stringify(report.failures)}`).toBe('pass');
  }
}

describe.concurrent('sealing a segment killed at each step', () => {
  for (const point of [
    'log-seal:after-segment-write',
    'log-seal:after-manifest-append',
    'log-seal:after-log-replace',
  ]) {
    it(`${point}: every entry ends in exactly one place and verify passes after the re-run`, () =>
      inWorkspace(async (root) => {
        await writeHealthyWorkspace(root, 6);
        const killed = await runVerify(root, ['--log-segment-bytes', '1'], {
          env: { OBS_FAULT_POINT: point },
        });
        expect(killed.signal).toBe('SIGKILL');

        const rerun = await rerunAfter(root, ['--log-segment-bytes', '1']);
        expectLogChecksPass(rerun.json());
        expect(rerun.exitCode, rerun.stdout).toBe(0);
        const { sealed, open } = await sequencesByPlace(root);
        expect([...sealed, ...open]).toEqual(range(1, 7));
        expect((await readdir(join(root, SEGMENTS))).filter((name) => name.endsWith('.log.gz'))).toEqual([
          '000000000001_000000000006.log.gz',
        ]);
        // killed before it wrote the segment's KPI digest: the re-run writes it
        expect((await readdir(join(root, SEGMENTS))).filter((name) => name.endsWith('.kpi.json'))).toEqual([
          '000000000001_000000000006.kpi.json',
        ]);
        const again = await runVerify(root);
        expect(again.exitCode, again.stdout).toBe(0);
      }));
  }

  it('numbers on from the manifest when a seal emptied the open log and the sequence file is gone', () =>
    inWorkspace(async (root) => {
      await writeHealthyWorkspace(root, 6);
      const killed = await runVerify(root, ['--log-segment-bytes', '1'], {
        env: { OBS_FAULT_POINT: 'log-seal:after-log-replace' },
      });
      expect(killed.signal).toBe('SIGKILL');
      expect(await readFile(join(root, LOG), 'utf8')).toBe('');
      await rm(join(root, 'ops/automation_runs.sequence'));
      expect((await rerunAfter(root, [])).json().status).not.toBe('skipped');
      const { sealed, open } = await sequencesByPlace(root);
      expect(sealed).toEqual(range(1, 6));
      expect(open).toEqual([7]);
    }));
});

describe.concurrent('segment retention killed between its record and the deletion', () => {
  it('deletes the recorded segment on the re-run, recorded once, and the log checks still pass', () =>
    inWorkspace(async (root) => {
      await writeHealthyWorkspace(root, 6);
      expect((await runVerify(root, ['--log-segment-bytes', '1'])).exitCode).toBe(0);
      const later = '2026-11-20T00:00:00Z';
      const killed = await runVerify(root, [], {
        now: later,
        env: { OBS_FAULT_POINT: 'log-retention:after-deletion-record' },
      });
      expect(killed.signal).toBe('SIGKILL');
      const rerun = (await rerunAfter(root, [], later)).json();
      expectLogChecksPass(rerun);
      const manifest = await readJsonLines(root, MANIFEST);
      expect(manifest.filter((line) => line.event === 'deleted').map((line) => line.file)).toEqual([
        '000000000001_000000000006.log.gz',
      ]);
      expect((await readdir(join(root, SEGMENTS))).filter((name) => name.endsWith('.log.gz'))).toEqual([]);
      expect((await sequencesByPlace(root)).open).toEqual([7, 8]);
    }));
});
