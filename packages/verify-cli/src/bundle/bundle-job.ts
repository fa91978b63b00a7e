import {
  count,
  defineOptions,
  type JobContext,
  type JobDefinition,
  type JobOutcome,
  list,
  type OptionValues,
  optionTypes,
  path,
  registeredJob,
  WORKSPACE_LAYOUT,
} from '@obs-automation/core';
import { BUNDLE_EARLIER_FLAGS } from '../earlier-flags.js';
import { DEFAULT_RETENTION_DAYS, verifyBundle } from './verify-bundle.js';

export const BUNDLE_DATASETS = ['ev_history', 'slippage', 'turnover', 'latency'] as const;

export const BUNDLE_OPTIONS = defineOptions({
  manifest: path('dashboard bundle manifest to verify', { default: WORKSPACE_LAYOUT.dashboardManifest }),
  historyDir: path('history of bundles (<dir>/<job_id>/)', {
    value: '<dir>',
    default: WORKSPACE_LAYOUT.dashboardHistoryDir,
  }),
  archiveManifest: path('record of the history bundles deleted by retention', {
    default: WORKSPACE_LAYOUT.dashboardArchiveManifest,
  }),
  expectedDataset: list(
    optionTypes.choice(BUNDLE_DATASETS),
    `dataset the manifest must list, repeatable: ${BUNDLE_DATASETS.join(', ')}`,
    { defaultLabel: 'none required' },
  ),
  retentionDays: count('history bundles older than this must be recorded in the archive manifest', {
    value: '<days>',
    default: DEFAULT_RETENTION_DAYS,
    min: 1,
  }),
  lockFile: path('lock of verification runs', { default: registeredJob('verify').lockFile }),
});

export type BundleOptions = OptionValues<typeof BUNDLE_OPTIONS.declarations>;

async function runBundleVerification(options: BundleOptions, context: JobContext): Promise<JobOutcome> {
  const report = await verifyBundle({
    manifestPath: options.manifest,
    historyDir: options.historyDir,
    archiveManifest: options.archiveManifest,
    expectedDatasets: [...new Set(options.expectedDataset)],
    retentionDays: options.retentionDays,
    now: context.now,
    root: context.root,
  });
  const summary = { checks: report.checks, failures: report.failures };
  const first = report.failures[0];
  if (!first) return { status: 'ok', artefacts: [], summary };
  const more = report.failures.length - 1;
  return {
    status: 'error',
    artefacts: [],
    summary,
    diagnostics: {
      error_code: 'verification_failed',
      error_message: `${first.message}${more > 0 ? ` (and ${more} more failure${more > 1 ? 's' : ''})` : ''}`,
      failed_checks: [...new Set(report.failures.map((failure) => failure.check))],
      failure_codes: [...new Set(report.failures.map((failure) => failure.error_code))],
    },
  };
}

/** `obs-verify bundle`: verifies a dashboard bundle, prints the report, logs the run, exits 1 on any failure. */
export const bundleJob: JobDefinition<typeof BUNDLE_OPTIONS.declarations> = {
  name: 'verify',
  description:
    'Verifies a dashboard bundle: manifest schema, dataset checksums and row counts, expected datasets, sequence against history, retention, history references and the archive manifest.',
  examples: [
    'obs-verify bundle',
    'obs-verify bundle --manifest /mnt/share/dashboard/manifest.json --expected-dataset ev_history --expected-dataset latency',
  ],
  options: BUNDLE_OPTIONS,
  flagMigrations: BUNDLE_EARLIER_FLAGS,
  lockFile: (options) => options.lockFile,
  run: runBundleVerification,
};
