import type { Logger } from 'pino';
import { coreRequire } from './install-paths.js';

let logger: Logger | undefined;

/** Where diagnostics start: warnings and errors. `OBS_LOG_LEVEL=info` adds notes, `debug` stack traces. */
export const DEFAULT_LOG_LEVEL = 'warn';

function logLevel(env: NodeJS.ProcessEnv = process.env): string {
  return env.OBS_LOG_LEVEL?.trim().toLowerCase() || DEFAULT_LOG_LEVEL;
}

/** OBS_LOG_LEVEL=debug (or trace): stack traces of unexpected errors reach stderr. */
export function debugEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const level = logLevel(env);
  return level === 'debug' || level === 'trace';
}

/**
 * Diagnostics beyond the one line per problem go to stderr only (stdout carries the summary),
 * as JSON lines, from OBS_LOG_LEVEL on (default `warn`). pino is required on first use rather
 * than imported, so a run that logs nothing does not pay for loading it at start-up, and the
 * function stays synchronous for its callers.
 */
export function diagnosticsLogger(): Logger {
  if (!logger) {
    const { pino } = coreRequire('pino') as typeof import('pino');
    logger = pino(
      {
        base: null,
        level: logLevel(),
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
      },
      pino.destination({ fd: 2, sync: true }),
    );
  }
  return logger;
}
