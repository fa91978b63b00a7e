import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startWebhookTestServer,
  type WebhookTestServer,
} from '../../packages/automation-core/src/test-support/webhook-test-server.js';
import { readRunLog, startProcess, waitFor } from '../core/core-processes.js';
import { cleanEnv, makeWorkspace } from '../support/cli-process.js';
import type { JsonDocument } from './support/corpus-case.js';
import { DAILY, DASHBOARD, type JobUnderTest, LATENCY, WEEKLY } from './support/jobs-under-test.js';

const SECRET = 'interruption-signing-secret-0123456789ab';
/** The harness gives a body 3 s to reach a safe point; SIGTERM must end any job within 5 s. */
const STOP_WITHIN_MS = 5000;

/** Answers every request by never answering. */
let hanging: WebhookTestServer;
beforeAll(async () => {
  hanging = await startWebhookTestServer({ defaultResponse: 'hang' });
});
afterAll(() => hanging.close());

/** Alive and not a zombie (an orphan that the container's init may never reap). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2) !== 'Z';
  } catch {
    return false;
  }
}

/** Whether `pid` is gone within `ms` (the signal is sent as the run ends; its delivery is not instant on a loaded machine). */
async function endsWithin(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  return !isAlive(pid);
}

interface SlowRun {
  job: JobUnderTest;
  /** why the run is still busy when the signal comes */
  waitingOn: string;
  /** prepares the slow part; returns the run's arguments and environment */
  arrange(root: string): Promise<{ args: string[]; env?: NodeJS.ProcessEnv }>;
  /** true once the run is inside its slow part */
  started(root: string): boolean;
  /** the job locks the run holds, all released after the signal */
  locks: string[];
  /** further checks once the run stopped */
  after?(root: string): Promise<void>;
}

const UPLOAD_PID = 'ops/upload.pid';

const SLOW_RUNS: SlowRun[] = [
  {
    job: DASHBOARD,
    waitingOn: 'an upload command that sleeps',
    arrange: async () => ({
      args: ['--upload-command', `echo $$ > ${UPLOAD_PID}; exec sleep 30`, '--upload-retries', '0'],
    }),
    started: (root) => existsSync(join(root, UPLOAD_PID)),
    locks: [DASHBOARD.lockFile],
    after: async (root) => {
      const pid = Number((await readFile(join(root, UPLOAD_PID), 'utf8')).trim());
      expect(await endsWithin(pid, 2000), 'the upload command is stopped with the run').toBe(true);
    },
  },
  {
    job: WEEKLY,
    waitingOn: 'a webhook that never answers',
    arrange: async () => ({
      args: ['--timeout-seconds', '60', '--retry-wait-seconds', '0'],
      env: { OBS_WEEKLY_WEBHOOK_URL: hanging.url, OBS_WEBHOOK_SECRET: SECRET },
    }),
    started: () => hanging.requests.length > 0,
    locks: [WEEKLY.lockFile],
  },
  {
    job: LATENCY,
    waitingOn: 'a probe source that never answers',
    arrange: async (root) => {
      await mkdir(join(root, 'configs/observability'), { recursive: true });
      await writeFile(
        join(root, 'configs/observability/latency.yaml'),
        `sources:\n  - name: stuck\n    type: http\n    url: ${hanging.url}\n    timeout_ms: 60000\n`,
      );
      return { args: ['--dry-run-alert'] };
    },
    started: () => hanging.requests.length > 0,
    locks: [LATENCY.lockFile],
  },
  {
    job: DAILY,
    waitingOn: 'its weekly job posting to a webhook that never answers',
    arrange: async (root) => {
      await mkdir(join(root, 'configs/observability'), { recursive: true });
      await writeFile(
        join(root, 'configs/observability/automation.yaml'),
        'weekly:\n  args:\n    --timeout-seconds: 60\n    --retry-wait-seconds: 0\n',
      );
      return {
        args: ['--observability'],
        env: { OBS_WEEKLY_WEBHOOK_URL: hanging.url, OBS_WEBHOOK_SECRET: SECRET },
      };
    },
    started: () => hanging.requests.length > 0,
    locks: [DAILY.lockFile, WEEKLY.lockFile],
  },
];

/** One run at a time: the `started` checks of several read the same server's requests. */
describe.sequential('SIGTERM during a run', () => {
  it.each(SLOW_RUNS.map((run): [string, string, SlowRun] => [run.job.name, run.waitingOn, run]))(
    '%s waiting on %s: exit 1, error/interrupted logged, one summary, locks released',
    async (_name, _waitingOn, slow) => {
      const { root, cleanup } = await makeWorkspace(`obs-sigterm-${slow.job.name}-`);
      hanging.requests.length = 0;
      try {
        await slow.job.prepare(root);
        const { args, env } = await slow.arrange(root);
        const run = startProcess(
          slow.job.binary,
          ['--root', root, '--now', slow.job.now, ...args],
          cleanEnv(env),
        );
        await waitFor(`${slow.job.name} to reach its slow part`, () => slow.started(root), 30_000);
        const sentAt = Date.now();
        run.child.kill('SIGTERM');
        const result = await run.done;
        const context = `stdout:\n${result.stdout}\nstderr:\n${result.stderr.slice(0, 3000)}`;

        expect(Date.now() - sentAt, context).toBeLessThan(STOP_WITHIN_MS);
        expect(result.exitCode, context).toBe(1);
        const summary = JSON.parse(result.stdout) as JsonDocument;
        expect(summary, context).toMatchObject({
          status: 'error',
          diagnostics: { error_code: 'interrupted' },
        });
        for (const lock of slow.locks)
          expect(existsSync(join(root, lock)), `${lock} is released`).toBe(false);
        const log = await readRunLog(join(root, 'ops/automation_runs.log'));
        expect(log.at(-1), 'the last log entry').toMatchObject({
          job_id: summary.job_id,
          status: 'error',
          diagnostics: { error_code: 'interrupted' },
        });
        await slow.after?.(root);
      } finally {
        await cleanup();
      }
    },
    60_000,
  );
});
