import { writeSync } from 'node:fs';
import { releaseHeldLocksSync } from './file-lock.js';
import { summaryText } from './output/presentation.js';

/**
 * After SIGTERM/SIGINT the process ends within this time in every state: the job body gets
 * INTERRUPT_GRACE_MS to reach a safe point, recording the run takes a few milliseconds more, and
 * this deadline catches whatever is left (a run log lock held by a dead process, every
 * thread-pool thread stuck in a read).
 */
export const SHUTDOWN_DEADLINE_MS = 4500;

/**
 * Node cannot exit while a thread-pool thread is stuck in a system call (a read of a FIFO that
 * no one writes, a hung network mount): process.exit waits for it forever. Such a request shows
 * as a pending `FSReq…` resource.
 */
export function hasPendingFileSystemWork(): boolean {
  const info = (process as { getActiveResourcesInfo?: () => string[] }).getActiveResourcesInfo;
  return info ? info.call(process).some((name) => name.startsWith('FSReq')) : false;
}

/**
 * Ends the process by the signal it received, which needs no thread to finish: locks this process
 * holds are removed first, synchronously. The exit status is then 128 + the signal's number
 * (143 for SIGTERM), the convention for a process ended by that signal.
 */
export function endBySignal(signal: NodeJS.Signals, reason: string): never {
  releaseHeldLocksSync();
  writeSync(2, `${reason}; ending the process by ${signal}\n`);
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
  // A signal is delivered before kill returns to a single-threaded caller; this is never reached
  // unless the signal is blocked.
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
}

/**
 * Exits with `exitCode`, unless the run was interrupted and a file system request stays pending:
 * then the process ends by the signal (see endBySignal) instead of hanging in exit.
 */
export async function exitProcess(exitCode: number, interruptedBy: NodeJS.Signals | null): Promise<never> {
  if (interruptedBy && !(await fileSystemWorkDrains())) {
    endBySignal(interruptedBy, 'a file system request is still pending after the interruption');
  }
  process.exit(exitCode);
}

/** How long requests that are merely finishing get before a pending one counts as stuck. */
const DRAIN_WAIT_MS = 250;

/**
 * Waits up to DRAIN_WAIT_MS for pending file system requests to complete. A request whose
 * callback is running right now still counts as pending, so the check starts on a later turn
 * of the event loop; a stuck request never completes.
 */
async function fileSystemWorkDrains(): Promise<boolean> {
  const deadline = Date.now() + DRAIN_WAIT_MS;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    if (!hasPendingFileSystemWork()) return true;
    if (Date.now() >= deadline) return false;
  }
}

/**
 * Arms the shutdown deadline for a received signal. When it passes, the summary `pending()`
 * returns (null when one was already printed) is written synchronously, the locks are released
 * and the process ends by the signal.
 */
export function armShutdownDeadline(
  signal: NodeJS.Signals,
  pending: () => Record<string, unknown> | null,
  deadlineMs: number = SHUTDOWN_DEADLINE_MS,
): void {
  setTimeout(() => {
    const summary = pending();
    if (summary) writeSync(1, summaryText(summary));
    endBySignal(signal, `the run did not stop within ${deadlineMs} ms of ${signal}`);
  }, deadlineMs).unref();
}
