import { writeFileAtomic } from './atomic-file.js';
import { errorMessageOf } from './job-error.js';
import { summaryText } from './output/presentation.js';

/** The summary's fields in a fixed order: identity first, diagnostics last. */
export function orderedSummary(fields: Record<string, unknown>): Record<string, unknown> {
  const { status, job_id, job_name, duration_ms, artefacts, diagnostics, ...rest } = fields;
  return { status, job_id, job_name, duration_ms, artefacts, ...rest, diagnostics };
}

/**
 * Makes `code` the run's error while keeping the error it replaces, so that an on-call reader of
 * `log_write_failed` still sees why the job itself failed.
 */
export function recordFailure(
  diagnostics: Record<string, unknown>,
  code: string,
  message: string,
): Record<string, unknown> {
  const previous =
    typeof diagnostics.error_code === 'string' && diagnostics.error_code !== code
      ? { superseded_error_code: diagnostics.error_code, superseded_error_message: diagnostics.error_message }
      : {};
  return { ...diagnostics, ...previous, error_code: code, error_message: message };
}

/**
 * Writes the summary to `--json-out` as well. A failure to do so turns the run into an error
 * (CI reads that file), which the returned summary says.
 */
export async function writeJsonOut(
  path: string,
  shownPath: string,
  summary: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  try {
    // The file always holds the whole document, indented, whatever stdout shows.
    await writeFileAtomic(path, summaryText(summary, true));
    return summary;
  } catch (error) {
    return {
      ...summary,
      status: 'error',
      diagnostics: recordFailure(
        (summary.diagnostics ?? {}) as Record<string, unknown>,
        'json_out_failed',
        `cannot write --json-out ${shownPath}: ${errorMessageOf(error)}`,
      ),
    };
  }
}
