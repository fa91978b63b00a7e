import type { Logger } from 'pino';
import { coreRequire } from './install-paths.js';

let logger: Logger | undefined;

/**
 * Human-readable diagnostics go to stderr only; stdout carries exactly one JSON summary.
 * pino is required on first use rather than imported, so a run that logs nothing does not pay
 * for loading it at start-up, and the function stays synchronous for its callers.
 */
export function diagnosticsLogger(): Logger {
  if (!logger) {
    const { pino } = coreRequire('pino') as typeof import('pino');
    logger = pino(
      {
        base: null,
        level: process.env.OBS_LOG_LEVEL ?? 'info',
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
      },
      pino.destination({ fd: 2, sync: true }),
    );
  }
  return logger;
}
