import { CommanderError } from 'commander';
import { JobError } from './job-error.js';
import type { JobRunResult } from './job-runner.js';
import { printSummary } from './job-summary.js';
import { armShutdownDeadline, exitProcess } from './process-shutdown.js';

/**
 * Owns the process for one CLI invocation: turns SIGTERM/SIGINT into an interruption the job
 * sees at its next safe point, prints `--help`, prints exactly one JSON summary, and exits with
 * the job's exit code. After a signal the process ends within SHUTDOWN_DEADLINE_MS whatever the
 * job is doing (see process-shutdown.ts).
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
    await printSummary(result.summary);
    exitCode = result.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version: commander already wrote the text.
      exitCode = error.exitCode;
    } else {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      printed = true;
      await printSummary({
        status: 'error',
        job_id: null,
        duration_ms: 0,
        artefacts: [],
        diagnostics: {
          error_code: 'internal_error',
          error_message: String((error as Error)?.message ?? error),
        },
      });
      exitCode = 1;
    }
  }
  return exitProcess(exitCode, interruptedBy);
}
