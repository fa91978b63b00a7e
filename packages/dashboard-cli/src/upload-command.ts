import { setTimeout as sleep } from 'node:timers/promises';
import { runShellCommand, type ShellCommandResult } from './shell-command.js';

export interface UploadOptions {
  command: string;
  cwd: string;
  /** OBS_DASHBOARD_DIR, OBS_DASHBOARD_MANIFEST, OBS_JOB_ID, OBS_SEQUENCE */
  bundleEnv: Record<string, string>;
  timeoutSeconds: number;
  retries: number;
  signal: AbortSignal;
}

export interface UploadResult {
  ok: boolean;
  attempts: number;
  /** the last attempt */
  last: ShellCommandResult;
}

const MAX_RETRY_WAIT_MS = 30_000;

/** Wait before retry k (k = 1, 2, …): 1 s, 2 s, 4 s … capped at 30 s. */
function uploadRetryWaitMs(retry: number): number {
  return Math.min(MAX_RETRY_WAIT_MS, 1000 * 2 ** (retry - 1));
}

/**
 * Runs the upload command until it exits 0, at most `retries + 1` times. A non-zero exit or a
 * timeout is retried after a short wait; an abort (SIGTERM to the job) stops at once.
 */
export async function runUploadCommand(options: UploadOptions): Promise<UploadResult> {
  const env = { ...process.env, ...options.bundleEnv };
  let attempts = 0;
  for (;;) {
    attempts += 1;
    const last = await runShellCommand(options.command, {
      cwd: options.cwd,
      env,
      timeoutMs: options.timeoutSeconds * 1000,
      signal: options.signal,
    });
    const ok = last.returncode === 0 && !last.timedOut;
    if (ok || last.aborted || attempts > options.retries) return { ok, attempts, last };
    try {
      await sleep(uploadRetryWaitMs(attempts), undefined, { signal: options.signal });
    } catch {
      return { ok: false, attempts, last: { ...last, aborted: true } };
    }
  }
}
