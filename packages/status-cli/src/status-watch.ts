import {
  type CommandContext,
  chooseOutput,
  type JobRunResult,
  terminalWidth,
  textStyle,
  type WorkspaceHealth,
} from '@obs-automation/core';
import { statusResult } from './status-check.js';
import { renderStatusScreen } from './status-screen.js';

const CLEAR_SCREEN = '\u001b[H\u001b[2J';

function pause(seconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolveWait) => {
    const timer = setTimeout(done, seconds * 1000);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolveWait();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * `--watch <seconds>`: redraws the screen until Ctrl-C (or SIGTERM), each time on the clock of
 * that moment (a fixed `--now` stays fixed). Returns the last result, already shown; its exit
 * code is the last verdict's.
 */
export async function watchStatus(
  seconds: number,
  context: CommandContext,
  check: (now: Date) => Promise<WorkspaceHealth>,
): Promise<JobRunResult> {
  const style = textStyle(chooseOutput(context.common.output, true, context.env).color);
  const fixedNow = context.common.explicit.has('now') ? context.common.now : null;
  let result: JobRunResult | null = null;
  do {
    const startedMs = performance.now();
    const now = fixedNow ?? new Date();
    result = statusResult(await check(now), now, startedMs);
    const screen = renderStatusScreen(result.summary, style, terminalWidth(process.stdout));
    process.stdout.write(
      `${CLEAR_SCREEN}${screen}${style.dim(`\nredrawn every ${seconds} s; Ctrl-C to stop`)}\n`,
    );
    await pause(seconds, context.signal);
  } while (!context.signal.aborted);
  return { ...result, presentation: { shown: true } };
}
