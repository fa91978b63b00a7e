import { type Logger, pino } from 'pino';

let logger: Logger | undefined;

/** Human-readable diagnostics go to stderr only; stdout carries exactly one JSON summary. */
export function diagnosticsLogger(): Logger {
  logger ??= pino(
    {
      base: null,
      level: process.env.OBS_LOG_LEVEL ?? 'info',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination({ fd: 2, sync: true }),
  );
  return logger;
}
