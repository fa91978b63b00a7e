import { describeInvalidReference } from '@obs-automation/core';
import type { HistoryState } from './bundle-history.js';
import type { BuiltDatasets } from './dataset-builders.js';
import type { ManifestRead } from './manifest.js';

const MAX_LISTED = 20;

/**
 * The history bundles and references lines the run could not read, each with its folder or file
 * (and line) and why: the run works around them, and lists them in `history_unreadable`.
 */
export function unreadableHistory(history: HistoryState, shown: (absolute: string) => string): string[] {
  return [
    ...history.bundles
      .filter((bundle) => bundle.problem)
      .map((bundle) => `${shown(bundle.folder)}: ${bundle.problem}`),
    ...history.references.invalid.map((invalid) => describeInvalidReference(invalid, shown)),
  ];
}

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
  unreadable: readonly string[],
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
  if (unreadable.length > 0) diagnostics.history_unreadable = unreadable.slice(0, MAX_LISTED);
  return diagnostics;
}

/**
 * Why a run that published its bundle is a `warning`: history it could not read or trust — a
 * kept bundle without a usable manifest, a references line that is not a reference, a kept
 * bundle whose files no longer match its manifest (`comparisonProblem`). The run works around
 * each (it keeps its own copy and deletes nothing it cannot read), but it is not `ok` while they
 * stay. Null when there is none.
 */
export function historyDamage(
  unreadable: readonly string[],
  comparisonProblem: string | undefined,
): string | null {
  const problems = comparisonProblem === undefined ? unreadable : [...unreadable, comparisonProblem];
  if (problems.length === 0) return null;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return `dashboard history cannot be trusted: ${problems[0]}${more}; obs-verify bundle names every problem`;
}
