import type { JobContext, JobDefinition, JobOutcome, OptionSpec, ResolvedInput } from '@obs-automation/core';
import { z } from 'zod';
import { DEFAULT_RETENTION_DAYS, verifyBundle } from './verify-bundle.js';

export const BUNDLE_DATASETS = ['ev_history', 'slippage', 'turnover', 'latency'] as const;

export interface BundleOptions {
  manifest: string;
  historyDir: string;
  archiveManifest: string;
  expectedDatasets: string[];
  retentionDays: number;
  lockFile: string;
}

const path = z.string().min(1, 'must not be empty');

const BUNDLE_OPTIONS: OptionSpec[] = [
  {
    flag: '--manifest',
    value: '<path>',
    description: 'dashboard bundle manifest to verify',
    defaultValue: 'out/dashboard/manifest.json',
    schema: path,
  },
  {
    flag: '--history-dir',
    value: '<dir>',
    description: 'history of bundles (<dir>/<job_id>/)',
    defaultValue: 'ops/dashboard_export_history',
    schema: path,
  },
  {
    flag: '--archive-manifest',
    value: '<path>',
    description: 'record of the history bundles deleted by retention',
    defaultValue: 'ops/dashboard_export_archive_manifest.jsonl',
    schema: path,
  },
  {
    flag: '--expected-dataset',
    value: '<name>',
    description: `dataset the manifest must list, repeatable: ${BUNDLE_DATASETS.join(', ')} (default: none required)`,
    schema: z.array(z.enum(BUNDLE_DATASETS)),
    repeatable: true,
  },
  {
    flag: '--retention-days',
    value: '<days>',
    description: 'history bundles older than this must be recorded in the archive manifest',
    defaultValue: DEFAULT_RETENTION_DAYS,
    schema: z.coerce.number().int().min(1),
  },
  {
    flag: '--lock-file',
    value: '<path>',
    description: 'lock of verification runs',
    defaultValue: 'ops/.verify.lock',
    schema: path,
  },
];

function finalizeBundleOptions({ values }: ResolvedInput<unknown>): BundleOptions {
  return {
    manifest: values.manifest as string,
    historyDir: values.history_dir as string,
    archiveManifest: values.archive_manifest as string,
    expectedDatasets: [...new Set((values.expected_dataset as string[] | undefined) ?? [])],
    retentionDays: values.retention_days as number,
    lockFile: values.lock_file as string,
  };
}

async function runBundleVerification(options: BundleOptions, context: JobContext): Promise<JobOutcome> {
  const report = await verifyBundle({
    manifestPath: options.manifest,
    historyDir: options.historyDir,
    archiveManifest: options.archiveManifest,
    expectedDatasets: options.expectedDatasets,
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
export const bundleJob: JobDefinition<BundleOptions> = {
  name: 'verify',
  binary: 'obs-verify bundle',
  description:
    'Verifies a dashboard bundle: manifest schema, dataset checksums and row counts, expected datasets, sequence against history, retention and the archive manifest.',
  examples: [
    'obs-verify bundle',
    'obs-verify bundle --manifest /mnt/share/dashboard/manifest.json --expected-dataset ev_history --expected-dataset latency',
  ],
  options: BUNDLE_OPTIONS,
  lockFile: (options) => options.lockFile,
  finalize: finalizeBundleOptions,
  run: runBundleVerification,
};
