import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { cleanEnv, makeWorkspace } from '../../support/cli-process.js';
import { concurrencyLimit } from '../support/concurrency-limit.js';
import type { JobUnderTest } from '../support/jobs-under-test.js';
import { argvOf, EVERY_JOB } from './support/hostile-runner.js';
import { describeSpecial, plantSpecial, type SpecialFile } from './support/special-files.js';

/**
 * The watchdog: every job, run on every FIFO and device case, ends — on its own with its refusal,
 * or within 10 s of SIGTERM — and leaves no lock behind. A job that blocked in a read of a FIFO
 * no writer opens (or read a device forever) would hang here, holding its lock.
 */

/** One input of each kind the jobs read, as a FIFO; the inputs read whole or streamed the longest, as devices. */
const CASES: readonly { path: string; special: SpecialFile }[] = [
  ...[
    'ops/signal_latency.csv',
    'ops/signal_latency_rollup.csv',
    'ops/signal_latency_archive/manifest.jsonl',
    'ops/.signal_latency.csv.rotation.json',
    'ops/latency_job_heartbeat.json',
    'runs/index.csv',
    'runs/USDJPY_conservative_20251008_101500/daily.csv',
    'reports/portfolio_summary.json',
    'ops/state_archive/day_orb_5m.DayORB5m/USDJPY/bridge/20261123_999999.json',
    'reports/portfolio_samples/router_demo/telemetry.json',
    'out/dashboard/manifest.json',
    'out/dashboard/latency.json',
    'ops/automation_runs.log',
    'configs/observability/automation.yaml',
  ].map((path) => ({ path, special: 'fifo' as const })),
  ...[
    'ops/signal_latency.csv',
    'reports/portfolio_summary.json',
    'runs/index.csv',
    'out/dashboard/manifest.json',
    'ops/automation_runs.log',
  ].map((path) => ({ path, special: '/dev/zero' as const })),
  { path: 'reports/portfolio_samples/router_demo/telemetry.json', special: '/dev/urandom' },
];

/** How long a run may go before it is sent SIGTERM, and how long it then has to end. */
const RUN_ALONE_MS = 2500;
const AFTER_SIGTERM_MS = 10_000;

interface Ending {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** ms from SIGTERM to the end; null when it ended on its own */
  afterSigtermMs: number | null;
}

function runUnderWatch(job: JobUnderTest, root: string): Promise<Ending> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [job.binary, ...argvOf({ job }, root)], {
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    let sentAt: number | null = null;
    const terminate = setTimeout(() => {
      sentAt = Date.now();
      child.kill('SIGTERM');
    }, RUN_ALONE_MS);
    // A run still there well after the deadline is killed so the table finishes; the assertion fails it.
    const kill = setTimeout(() => child.kill('SIGKILL'), RUN_ALONE_MS + AFTER_SIGTERM_MS + 5000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(terminate);
      clearTimeout(kill);
      resolve({ code, signal, stdout, afterSigtermMs: sentAt === null ? null : Date.now() - sentAt });
    });
  });
}

async function locksLeft(root: string): Promise<string[]> {
  const names = await readdir(join(root, 'ops')).catch(() => [] as string[]);
  return names.filter((name) => name.endsWith('.lock'));
}

describe('hostile workspace, class 2 watchdog: every job on every FIFO and device ends, its lock released', () => {
  const limited = concurrencyLimit(6);
  for (const job of EVERY_JOB) {
    for (const { path, special } of CASES) {
      it.concurrent(
        `${job.name}: ${path} is ${describeSpecial(special)}`,
        ({ expect }) =>
          limited(async () => {
            const { root, cleanup } = await makeWorkspace('obs-watchdog-');
            try {
              await job.prepare(root);
              await plantSpecial(root, path, special);
              const ending = await runUnderWatch(job, root);
              if (ending.afterSigtermMs === null) {
                // Ended on its own: with its summary and a defined exit code, not a crash.
                expect([0, 1, 2], ending.stdout).toContain(ending.code);
                expect(() => JSON.parse(ending.stdout), ending.stdout).not.toThrow();
              } else {
                expect(ending.afterSigtermMs, 'ended within 10 s of SIGTERM').toBeLessThan(AFTER_SIGTERM_MS);
              }
              expect(await locksLeft(root), 'locks left behind').toEqual([]);
            } finally {
              await cleanup();
            }
          }),
        30_000,
      );
    }
  }
});
