import { basename } from 'node:path';
import { CommanderError } from 'commander';
import { debugEnabled } from './diagnostics-logger.js';
import { errorMessageOf, JobError } from './job-error.js';
import type { JobRunResult } from './job-runner.js';
import { resultText } from './output/presentation.js';
import { problemLine } from './output/problem-lines.js';
import { armShutdownDeadline, exitProcess } from './process-shutdown.js';

/**
 * A reader that closed the pipe early (`obs-status | head`) has what it wanted: the run is
 * already recorded and its exit code stands, so EPIPE is not a crash with a stack trace.
 */
function ignoreClosedPipe(error: NodeJS.ErrnoException): void {
  if (error.code !== 'EPIPE') throw error;
}

function write(text: string): Promise<void> {
  if (!process.stdout.listeners('error').includes(ignoreClosedPipe))
    process.stdout.on('error', ignoreClosedPipe);
  return new Promise<void>((resolveWrite) => process.stdout.write(text, () => resolveWrite()));
}

/** The binary as invoked (`bin/obs-latency`), for a failure that happened before the harness knew it. */
function invokedBinary(): string {
  const name = basename(process.argv[1] ?? '');
  return name.startsWith('obs-') ? name : 'obs-automation';
}

/**
 * Owns the process for one CLI invocation: turns SIGTERM/SIGINT into an interruption the job
 * sees at its next safe point, prints `--help`, prints the result exactly once — the human form
 * on a terminal, else the JSON document on one line (see resultText) — and exits with the job's
 * exit code. After a signal the process ends within SHUTDOWN_DEADLINE_MS whatever the job is
 * doing (see process-shutdown.ts). A stack trace reaches stderr only with OBS_LOG_LEVEL=debug.
 */
export async function runMain(run: (signal: AbortSignal) => Promise<JobRunResult>): Promise<never> {
  const controller = new AbortController();
  let interruptedBy: NodeJS.Signals | null = null;
  let printed = false;
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) return;
    interruptedBy = name;
    controller.abort(
      new JobError('interrupted', `received ${name}; stopped at the next safe point`, { signal: name }),
    );
    armShutdownDeadline(name, () =>
      printed
        ? null
        : {
            status: 'error',
            job_id: null,
            duration_ms: null,
            artefacts: [],
            diagnostics: {
              error_code: 'interrupted',
              error_message: `received ${name}; the run did not stop in time and was ended without its log entry`,
              signal: name,
            },
          },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  let exitCode: number;
  try {
    const result = await run(controller.signal);
    printed = true;
    if (!result.presentation?.shown) {
      await write(resultText(result.summary, result.presentation, process.stdout, process.env));
    }
    exitCode = result.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version: commander already wrote the text.
      exitCode = error.exitCode;
    } else {
      // A fault of the harness itself: one line, the stack only when asked for.
      const message = errorMessageOf(error);
      process.stderr.write(`${problemLine(invokedBinary(), { code: 'internal_error', message })}\n`);
      if (debugEnabled() && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
      printed = true;
      const summary = {
        status: 'error',
        job_id: null,
        duration_ms: 0,
        artefacts: [],
        diagnostics: { error_code: 'internal_error', error_message: message },
      };
      await write(resultText(summary, { binary: invokedBinary() }, process.stdout, process.env));
      exitCode = 1;
    }
  }
  return exitProcess(exitCode, interruptedBy);
}
