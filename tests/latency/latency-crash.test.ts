import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ageLeftLocks } from '../../scripts/soak/left-locks.mjs';
import { BIN, cleanEnv, makeWorkspace, runCli } from '../support/cli-process.js';
import {
  archiveFiles,
  DAY,
  MANIFEST,
  readJsonLines,
  readRollupRows,
  runLatency,
  series,
  storedRows,
  writeRaw,
} from './latency-run.js';

const NOW = '2026-07-06T00:30:00Z';
const NOW_MS = Date.parse(NOW);

/** The points where a kill -9 could lose rows if the write order were wrong. */
const FAULT_POINTS = [
  ['atomic:before-rename', undefined],
  ['latency:after-rollup-replace', undefined],
  ['latency:mid-archive-append', 'rolled_back'],
  ['latency:after-archive-write', 'rolled_back'],
  ['latency:after-manifest-append', 'rolled_forward'],
  ['latency:after-raw-replace', 'completed'],
  ['log:after-append', undefined],
] as const;

describe('obs-latency killed at each write step', () => {
  it.concurrent.each(FAULT_POINTS)(
    'loses no sample when killed at %s, and the next run leaves each sample exactly once',
    async (point, recovery) => {
      const { root, cleanup } = await makeWorkspace('obs-latency-crash-');
      try {
        // 16 days of samples, each with its own id: old rows expire and the file is over the size limit.
        const samples = series(NOW_MS - 16 * DAY, NOW_MS, 30, (_at, index) => 100 + (index % 50)).map(
          (sample, index) => ({
            ...sample,
            detail: `id-${index}`,
          }),
        );
        await writeRaw(root, samples);
        const written = await storedRows(root);
        const args = ['--now', NOW, '--max-raw-bytes', '20000', '--lock-stale-seconds', '1'];

        const killed = await runLatency(root, args, { OBS_FAULT_POINT: point });
        expect(killed.signal).toBe('SIGKILL');
        const afterKill = await storedRows(root);
        for (const row of new Set(written)) expect(afterKill).toContain(row);
        await readJsonLines(root, MANIFEST).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
        });

        await ageLeftLocks(root);
        const rerun = await runLatency(root, args);
        expect(rerun.exitCode).toBe(0);
        const summary = rerun.json();
        expect(summary.status).not.toBe('skipped');
        if (recovery) expect(summary.diagnostics.rotation_recovery).toMatchObject({ action: recovery });
        expect(await storedRows(root)).toEqual(written);
        const manifest = await readJsonLines(root, MANIFEST);
        expect(await archiveFiles(root)).toEqual([...new Set(manifest.map((entry) => entry.path))].sort());
        const leftovers = (await readdir(join(root, 'ops'), { recursive: true })).filter(
          (name) => name.includes('.tmp-') || name.endsWith('.rotation.json'),
        );
        expect(leftovers).toEqual([]);
        expect((await readRollupRows(root)).reduce((total, row) => total + Number(row.count), 0)).toBe(
          samples.length,
        );
      } finally {
        await cleanup();
      }
    },
  );

  // Found by the soak (seed 7): any atomic write into ops/ swept every abandoned temporary file
  // there, including the raw file's replacement the rotation journal still needed, so the next
  // run could not finish the rotation and archived the rows a second time.
  it('finishes a rotation killed after its manifest line although another job wrote into ops/ meanwhile', async () => {
    const { root, cleanup } = await makeWorkspace('obs-latency-crash-');
    try {
      const samples = series(NOW_MS - 16 * DAY, NOW_MS, 30, (_at, index) => 100 + (index % 50)).map(
        (sample, index) => ({ ...sample, detail: `id-${index}` }),
      );
      await writeRaw(root, samples);
      const written = await storedRows(root);
      const args = ['--now', NOW, '--max-raw-bytes', '20000', '--lock-stale-seconds', '1'];
      const killed = await runLatency(root, args, { OBS_FAULT_POINT: 'latency:after-manifest-append' });
      expect(killed.signal).toBe('SIGKILL');

      // obs-verify logs its run: the sequence file in ops/ is replaced atomically
      const verify = await runCli(BIN.verify, ['--root', root, '--now', NOW], { env: cleanEnv() });
      expect([0, 1]).toContain(verify.exitCode);

      await ageLeftLocks(root);
      const rerun = await runLatency(root, args);
      expect(rerun.exitCode).toBe(0);
      expect(rerun.json().diagnostics.rotation_recovery).toMatchObject({ action: 'rolled_forward' });
      expect(await storedRows(root)).toEqual(written);
    } finally {
      await cleanup();
    }
  });
});
