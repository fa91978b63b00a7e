import { spawn } from 'node:child_process';
import { OutputTail } from './output-tail.js';

export interface ShellCommandOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  signal: AbortSignal;
}

export interface ShellCommandResult {
  returncode: number | null;
  /** the signal that ended the command, e.g. SIGTERM after a timeout */
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
  stdoutTail: string;
  stderrTail: string;
  durationMs: number;
}

const OUTPUT_TAIL_BYTES = 2048;
/** After SIGTERM, how long the command's process group may take to exit before SIGKILL. */
const TERMINATE_GRACE_MS = 2000;
/** After the shell exits, how long to wait for grandchildren that still hold its output pipes. */
const PIPE_DRAIN_MS = 1000;

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

/**
 * Runs `command` through `/bin/sh -c` in its own process group, keeping the last 2 KB of stdout
 * and stderr. On timeout or abort the whole group (the shell and everything it started) gets
 * SIGTERM, then SIGKILL if it is still there after a grace period.
 */
export function runShellCommand(command: string, options: ShellCommandOptions): Promise<ShellCommandResult> {
  const started = performance.now();
  const stdout = new OutputTail(OUTPUT_TAIL_BYTES);
  const stderr = new OutputTail(OUTPUT_TAIL_BYTES);
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let timedOut = false;
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;
    let drainTimer: NodeJS.Timeout | undefined;
    const terminate = () => {
      if (child.pid === undefined || killTimer) return;
      signalGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => signalGroup(child.pid as number, 'SIGKILL'), TERMINATE_GRACE_MS);
    };
    const timeout = setTimeout(() => {
      timedOut = true;
      terminate();
    }, options.timeoutMs);
    const onAbort = () => {
      aborted = true;
      terminate();
    };
    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('exit', () => {
      drainTimer = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
      }, PIPE_DRAIN_MS);
    });
    child.on('error', (error) => {
      clearTimeout(timeout);
      options.signal.removeEventListener('abort', onAbort);
      reject(error);
    });
    child.on('close', (returncode, signal) => {
      clearTimeout(timeout);
      clearTimeout(killTimer);
      clearTimeout(drainTimer);
      options.signal.removeEventListener('abort', onAbort);
      // Whatever of a terminated group ignored SIGTERM must not outlive the attempt.
      if (killTimer && child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
      resolve({
        returncode,
        signal,
        timedOut,
        aborted,
        stdoutTail: stdout.text(),
        stderrTail: stderr.text(),
        durationMs: Math.round(performance.now() - started),
      });
    });
  });
}
