import { mkdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspace } from '../support/cli-process.js';
import { HEADER, RAW, runLatency, runRecord, writeText } from './latency-run.js';

/**
 * A latency run that finds its lock held by `obs-latency record` waits for it (up to
 * --lock-wait-seconds, default 30) instead of being skipped: under a steady feeder every run
 * runs. A lock held by another run still skips it at once (docs/runbook.md).
 */

const NOW = '2026-07-06T06:00:00Z';
const LOCK = 'ops/.latency.lock';

let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ root, cleanup } = await makeWorkspace('obs-latency-lock-wait-'));
  await writeText(root, RAW, `${HEADER}\n2026-07-06T05:10:00Z,router_demo,120,,success,\n`);
});
afterEach(async () => cleanup());

/** A live lock as the holder named would leave it: the folder and its owner record (this process, alive). */
async function holdLock(holder: string): Promise<void> {
  await mkdir(join(root, LOCK), { recursive: true });
  const owner = { pid: process.pid, host: hostname(), acquired_at: new Date().toISOString(), holder };
  await writeFile(join(root, LOCK, 'owner.json'), `${JSON.stringify(owner)}\n`);
}

/** Polls `condition` until it holds (true) or `timeoutMs` passes (false). */
async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return false;
}

describe('obs-latency waits for record writers holding its lock', () => {
  it('runs once a record writer releases the lock, with the wait in lock_latency_ms', async () => {
    await holdLock('latency-record');
    // The waiting run reads the owner record on every try, which moves its access time (dated
    // before its change time, so relatime moves it too): the lock is released only once the run
    // is seen waiting, however slowly it started.
    const owner = join(root, LOCK, 'owner.json');
    const hourAgo = Date.now() - 3_600_000;
    await utimes(owner, new Date(hourAgo - 3_600_000), new Date(hourAgo));
    const dated = (await stat(owner)).atimeMs;
    // A wait long enough that a loaded machine releases the lock before it runs out.
    const running = runLatency(root, ['--now', NOW, '--dry-run-alert', '--lock-wait-seconds', '120']);
    const seenWaiting = await waitUntil(async () => (await stat(owner)).atimeMs !== dated, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await rm(join(root, LOCK), { recursive: true, force: true });
    const result = await running;
    expect(result.exitCode).toBe(0);
    expect(result.json()).toMatchObject({ status: 'dry_run', samples_analyzed: 1 });
    // Where reads leave access times alone (noatime) the wait was still bounded, only not timed.
    if (seenWaiting) expect(result.json().lock_latency_ms).toBeGreaterThanOrEqual(300);
  });

  it('is skipped after --lock-wait-seconds when the writer keeps the lock, saying how long it waited', async () => {
    await holdLock('latency-record');
    const started = Date.now();
    const result = await runLatency(root, ['--now', NOW, '--dry-run-alert', '--lock-wait-seconds', '1']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(result.exitCode).toBe(0);
    const { status, diagnostics } = result.json();
    expect([status, diagnostics.error_code]).toEqual(['skipped', 'lock_not_acquired']);
    expect(diagnostics.error_message).toMatch(/held by another run \(waited \d+ ms\)/);
  });

  it('is skipped at once when another latency run holds the lock', async () => {
    await holdLock('latency');
    const started = Date.now();
    const result = await runLatency(root, ['--now', NOW, '--dry-run-alert', '--lock-wait-seconds', '20']);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.json()).toMatchObject({
      status: 'skipped',
      diagnostics: { error_code: 'lock_not_acquired' },
    });
    expect(result.json().lock_latency_ms ?? 0).toBeLessThan(5000);
  });

  it('runs every time under a steady feeder of record writers', async () => {
    let feeding = true;
    let fed = 0;
    // Four writers, each appending one sample after another without pause: the lock is almost never free.
    const feeders = Array.from({ length: 4 }, async (_, worker) => {
      while (feeding) {
        const result = await runRecord(root, [
          '--source',
          `feeder-${worker}`,
          '--latency-ms',
          String(100 + fed),
          '--timestamp',
          '2026-07-06T05:30:00Z',
          '--now',
          NOW,
        ]);
        expect(result.json()).toMatchObject({ status: 'ok', samples_written: 1 });
        fed += 1;
      }
    });
    const statuses: string[] = [];
    try {
      for (let run = 0; run < 6; run += 1) {
        const jobId = `20260706T06${String(run).padStart(4, '0')}Z-latency`;
        const result = await runLatency(root, ['--now', NOW, '--job-id', jobId, '--dry-run-alert']);
        expect(result.exitCode).toBe(0);
        statuses.push(result.json().status);
      }
    } finally {
      feeding = false;
      await Promise.all(feeders);
    }
    expect(fed).toBeGreaterThan(6);
    expect(statuses).toEqual(Array(6).fill('dry_run'));
  }, 180_000);
});
