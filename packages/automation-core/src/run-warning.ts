import { UNCODED_WARNING } from './output/problem-lines.js';

/** What a finished run says about itself, as the run log entry or the summary records it. */
export interface RunWarningFacts {
  status: unknown;
  /** a rehearsal, whatever its status says */
  dryRun: boolean;
  errorCode: string | null;
  /** it noted warnings without a code of their own (`diagnostics.warnings`) */
  uncodedWarning: boolean;
}

/**
 * The code of the problem a real run ended `warning` with: its error code (a damaged history, a
 * notification nobody receives), or `run_warning` for warnings noted without one. Null for any
 * other run, and for a `warning` made by a latency alert alone: the alert is its own signal.
 */
export function ownWarningCode(run: RunWarningFacts): string | null {
  if (run.status !== 'warning' || run.dryRun) return null;
  return run.errorCode ?? (run.uncodedWarning ? UNCODED_WARNING : null);
}

/** ownWarningCode of a summary or a run-log entry, from its status and `diagnostics` as written. */
export function warningCodeOf(
  status: unknown,
  diagnostics: Readonly<Record<string, unknown>>,
): string | null {
  return ownWarningCode({
    status,
    dryRun: diagnostics.dry_run === true,
    errorCode: typeof diagnostics.error_code === 'string' ? diagnostics.error_code : null,
    uncodedWarning: Array.isArray(diagnostics.warnings) && diagnostics.warnings.length > 0,
  });
}
