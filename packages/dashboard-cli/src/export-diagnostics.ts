import { describeInvalidReference } from '@obs-automation/core';
import type { HistoryState } from './bundle-history.js';
import type { BuiltDatasets } from './dataset-builders.js';
import type { ManifestRead } from './manifest.js';

const MAX_LISTED = 20;

/**
 * The run's diagnostics before publication: the failed datasets (the first one's code is the
 * run's `error_code`, every failure is in the message, every missing input in `missing` as in
 * every job, and each dataset's own error in `dataset_errors`), state exports skipped,
 * per-dataset notes, and problems with the previous manifest or history bundles that the run
 * worked around.
 */
export function exportDiagnostics(
  built: BuiltDatasets,
  previous: ManifestRead,
  history: HistoryState,
  shown: (absolute: string) => string,
  manifestPath: string,
): Record<string, unknown> {
  const diagnostics: Record<string, unknown> = {};
  const [firstFailure] = built.failures;
  if (firstFailure) {
    diagnostics.error_code = firstFailure.error.code;
    diagnostics.error_message = built.failures
      .map(({ dataset, error }) => `${dataset}: ${error.message}`)
      .join('; ');
    const missing = built.failures.flatMap(({ error }) =>
      error.code === 'missing_input' ? ((error.details.missing as string[] | undefined) ?? []) : [],
    );
    if (missing.length > 0) diagnostics.missing = [...new Set(missing)];
    diagnostics.dataset_errors = Object.fromEntries(
      built.failures.map(({ dataset, error }) => [
        dataset,
        { error_code: error.code, error_message: error.message, ...error.details },
      ]),
    );
  }
  if (built.skippedStateFiles) {
    diagnostics.files_skipped = built.skippedStateFiles.length;
    if (built.skippedStateFiles.length > 0)
      diagnostics.skipped_files = built.skippedStateFiles.slice(0, MAX_LISTED);
  }
  for (const content of built.contents) Object.assign(diagnostics, content.diagnostics);
  if (previous.kind === 'invalid')
    diagnostics.previous_manifest_invalid = `${shown(manifestPath)}: ${previous.reason}`;
  const unreadable = [
    ...history.bundles
      .filter((bundle) => bundle.problem)
      .map((bundle) => `${shown(bundle.folder)}: ${bundle.problem}`),
    ...history.references.invalid.map((invalid) => describeInvalidReference(invalid, shown)),
  ];
  if (unreadable.length > 0) diagnostics.history_unreadable = unreadable.slice(0, MAX_LISTED);
  return diagnostics;
}
