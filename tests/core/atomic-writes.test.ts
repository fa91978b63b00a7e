import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanEnv, makeWorkspace, runCli } from '../support/cli-process.js';
import { ATOMIC_WRITE_LOOP, SAMPLE_JOB, startProcess } from './core-processes.js';

let workspace: Awaited<ReturnType<typeof makeWorkspace>>;

beforeEach(async () => {
  workspace = await makeWorkspace('obs-core-atomic-');
});

afterEach(async () => {
  await workspace.cleanup();
});

/** The generation a complete file holds; throws on a torn or mixed file. */
function completeGeneration(text: string): number {
  const lines = text.split('\n');
  expect(lines.pop()).toBe('');
  const closing = /^end (\d+) (\d+)$/.exec(lines.pop() ?? '');
  if (!closing) throw new Error('the file does not end with its closing line: torn');
  const generation = Number(closing[1]);
  expect(lines).toHaveLength(Number(closing[2]));
  const expected = `generation ${generation} ${'x'.repeat(48)}`;
  expect(lines.every((line) => line === expected)).toBe(true);
  return generation;
}

describe('atomic writes', () => {
  it('a crash before the rename (atomic:before-rename) leaves the old file', async () => {
    const target = join(workspace.root, 'out/data.txt');
    expect((await runCli(ATOMIC_WRITE_LOOP, [target, '1'])).exitCode).toBe(0);
    const before = await readFile(target, 'utf8');
    expect(completeGeneration(before)).toBe(1);

    const crashed = await runCli(ATOMIC_WRITE_LOOP, [target, '1'], {
      env: cleanEnv({ OBS_FAULT_POINT: 'atomic:before-rename' }),
    });
    expect(crashed.signal).toBe('SIGKILL');
    expect(await readFile(target, 'utf8')).toBe(before);
    // Only the complete temporary file is left beside it, never in its place.
    expect((await readdir(join(workspace.root, 'out'))).sort()).toEqual([
      expect.stringMatching(/^\.data\.txt\.tmp-[A-Za-z0-9._-]+-\d+-[0-9a-f]{8}$/),
      'data.txt',
    ]);
  });

  it('SIGKILL at random moments during writes of large files never leaves a torn target', async () => {
    const target = join(workspace.root, 'big.txt');
    let completedWrites = 0;
    for (let round = 0; round < 12; round += 1) {
      const writer = startProcess(ATOMIC_WRITE_LOOP, [target]);
      // Every other round kills only after a first write completed, so that however slowly the
      // process starts on a loaded machine, some kills land between and inside later writes.
      if (round % 2 === 0) await once(writer.child.stdout as NodeJS.ReadableStream, 'data');
      await new Promise((resolve) => setTimeout(resolve, 40 + Math.random() * 300));
      writer.child.kill('SIGKILL');
      const { stdout } = await writer.done;
      completedWrites += stdout.split('\n').filter(Boolean).length;
      if (existsSync(target)) completeGeneration(await readFile(target, 'utf8'));
    }
    // The kills landed while writes were under way, not only before the first one.
    expect(completedWrites).toBeGreaterThan(0);
    expect(existsSync(target)).toBe(true);
  }, 60_000);

  it('a job killed while replacing its heartbeat leaves the previous heartbeat intact', async () => {
    const args = ['--root', workspace.root, '--lock-stale-seconds', '2'];
    expect((await runCli(SAMPLE_JOB, [...args, '--now', '2026-01-01T00:00:00Z'])).exitCode).toBe(0);
    const heartbeatFile = join(workspace.root, 'ops/sample_heartbeat.json');
    const before = await readFile(heartbeatFile, 'utf8');

    const crashed = startProcess(
      SAMPLE_JOB,
      [...args, '--now', '2026-01-01T00:15:00Z'],
      cleanEnv({
        OBS_FAULT_POINT: 'atomic:before-rename',
      }),
    );
    const { signal } = await crashed.done;
    expect(signal).toBe('SIGKILL');
    expect(await readFile(heartbeatFile, 'utf8')).toBe(before);
    expect(JSON.parse(before)).toMatchObject({ generated_at: '2026-01-01T00:00:00.000Z' });
  });
});
