import { dirname, isAbsolute, relative, sep } from 'node:path';
import { type OptionSpec, type ResolvedInput, resolveAgainstRoot, usageError } from '@obs-automation/core';
import { z } from 'zod';
import { DATASET_NAMES, type DatasetName } from './dataset-names.js';
import type { StateExportFilters } from './state-exports.js';

/** The typed options of one obs-dashboard run; paths as given (root-relative or absolute). */
export interface DashboardOptions {
  datasets: DatasetName[];
  outputDir: string;
  manifest: string;
  provenance: string | null;
  heartbeatFile: string;
  uploadCommand: string | null;
  uploadTimeoutSeconds: number;
  uploadRetries: number;
  historyDir: string;
  historyRetentionDays: number;
  archiveManifest: string;
  runsRoot: string;
  stateArchiveRoot: string;
  filters: StateExportFilters;
  portfolioTelemetry: string;
  latencyRollup: string;
  evHistoryLimit: number;
  slipLimit: number;
  turnoverLimit: number;
  latencyLimit: number;
  indent: number;
  lockFile: string;
  dryRun: boolean;
}

const path = z.string().min(1, 'must not be empty');
const positiveInt = z.coerce.number().int().min(1);
const datasetList = z.preprocess(
  (value) => (typeof value === 'string' ? [value] : value),
  z.array(z.enum(DATASET_NAMES)).min(1),
);

export const DASHBOARD_OPTIONS: OptionSpec[] = [
  {
    flag: '--dataset',
    value: '<name>',
    description: `dataset to export, repeatable: ${DATASET_NAMES.join(', ')}`,
    defaultValue: [...DATASET_NAMES],
    schema: datasetList,
    repeatable: true,
  },
  {
    flag: '--output-dir',
    value: '<dir>',
    description: 'where <dataset>.json files are written',
    defaultValue: 'out/dashboard',
    schema: path,
  },
  {
    flag: '--manifest',
    value: '<path>',
    description: 'bundle manifest (its folder must hold --output-dir)',
    defaultValue: 'out/dashboard/manifest.json',
    schema: path,
  },
  {
    flag: '--provenance',
    value: '<json file>',
    description: 'JSON object merged into the manifest provenance',
    schema: path,
  },
  {
    flag: '--heartbeat-file',
    value: '<path>',
    description: 'heartbeat',
    defaultValue: 'ops/dashboard_export_heartbeat.json',
    schema: path,
  },
  {
    flag: '--upload-command',
    value: '<command>',
    description:
      'run through /bin/sh -c after the export (cwd = root; env OBS_DASHBOARD_DIR, OBS_DASHBOARD_MANIFEST, OBS_JOB_ID, OBS_SEQUENCE)',
    schema: z.string().min(1, 'must not be empty'),
  },
  {
    flag: '--upload-timeout-seconds',
    value: '<seconds>',
    description: 'per attempt; the command’s process group is killed when it runs longer',
    defaultValue: 300,
    schema: z.coerce.number().positive(),
  },
  {
    flag: '--upload-retries',
    value: '<n>',
    description: 'retries after a failed attempt (waits 1 s, 2 s, 4 s … up to 30 s between attempts)',
    defaultValue: 2,
    schema: z.coerce.number().int().min(0).max(20),
  },
  {
    flag: '--history-dir',
    value: '<dir>',
    description: 'a copy of each successful bundle goes to <dir>/<job_id>/',
    defaultValue: 'ops/dashboard_export_history',
    schema: path,
  },
  {
    flag: '--history-retention-days',
    value: '<days>',
    description: 'history bundles older than this are deleted (the newest never is)',
    defaultValue: 56,
    schema: positiveInt,
  },
  {
    flag: '--archive-manifest',
    value: '<path>',
    description: 'one JSON line per deleted history bundle, written before deletion',
    defaultValue: 'ops/dashboard_export_archive_manifest.jsonl',
    schema: path,
  },
  {
    flag: '--runs-root',
    value: '<dir>',
    description: 'holds index.csv and <run_id>/daily.csv',
    defaultValue: 'runs',
    schema: path,
  },
  {
    flag: '--state-archive-root',
    value: '<dir>',
    description: 'EV state exports under <strategy>/<symbol>/<mode>/*.json',
    defaultValue: 'ops/state_archive',
    schema: path,
  },
  { flag: '--strategy', value: '<name>', description: 'only state exports of this strategy', schema: path },
  { flag: '--symbol', value: '<name>', description: 'only state exports of this symbol', schema: path },
  { flag: '--mode', value: '<name>', description: 'only state exports of this mode', schema: path },
  {
    flag: '--portfolio-telemetry',
    value: '<path>',
    description: 'router telemetry with execution_health',
    defaultValue: 'reports/portfolio_samples/router_demo/telemetry.json',
    schema: path,
  },
  {
    flag: '--latency-rollup',
    value: '<path>',
    description: 'hourly latency rollup CSV',
    defaultValue: 'ops/signal_latency_rollup.csv',
    schema: path,
  },
  {
    flag: '--ev-history-limit',
    value: '<n>',
    description: 'newest state exports per (strategy, symbol, mode) in ev_history',
    defaultValue: 32,
    schema: positiveInt,
  },
  {
    flag: '--slip-limit',
    value: '<n>',
    description: 'newest state exports per (strategy, symbol, mode) in slippage',
    defaultValue: 60,
    schema: positiveInt,
  },
  {
    flag: '--turnover-limit',
    value: '<n>',
    description: 'last runs of index.csv in turnover',
    defaultValue: 50,
    schema: positiveInt,
  },
  {
    flag: '--latency-limit',
    value: '<n>',
    description: 'newest rollup windows in latency',
    defaultValue: 168,
    schema: positiveInt,
  },
  {
    flag: '--indent',
    value: '<n>',
    description: 'JSON indentation of datasets and manifest (0 = compact)',
    defaultValue: 2,
    schema: z.coerce.number().int().min(0).max(10),
  },
  {
    flag: '--lock-file',
    value: '<path>',
    description: 'job lock',
    defaultValue: 'ops/.dashboard.lock',
    schema: path,
  },
  {
    flag: '--dry-run',
    description: 'export and verify the bundle, skip the upload (status dry_run)',
    schema: z.boolean(),
  },
];

/** A bundle is the manifest's folder: the datasets must live in it for relative paths to stay valid. */
function requireOutputInsideBundle(outputDir: string, manifest: string, root: string): void {
  const fromBundle = relative(
    dirname(resolveAgainstRoot(root, manifest)),
    resolveAgainstRoot(root, outputDir),
  );
  if (fromBundle === '..' || fromBundle.startsWith(`..${sep}`) || isAbsolute(fromBundle)) {
    throw usageError(
      `--output-dir ${outputDir} must be the folder of --manifest ${manifest} or inside it, so that the bundle can be copied as one folder`,
      { flag: '--output-dir' },
    );
  }
}

export function finalizeDashboardOptions({ values, root }: ResolvedInput<unknown>): DashboardOptions {
  const text = (key: string) => values[key] as string;
  const optional = (key: string) => (values[key] as string | undefined) ?? null;
  const count = (key: string) => values[key] as number;
  const chosen = new Set(values.dataset as DatasetName[]);
  const options: DashboardOptions = {
    datasets: DATASET_NAMES.filter((name) => chosen.has(name)),
    outputDir: text('output_dir'),
    manifest: text('manifest'),
    provenance: optional('provenance'),
    heartbeatFile: text('heartbeat_file'),
    uploadCommand: optional('upload_command'),
    uploadTimeoutSeconds: count('upload_timeout_seconds'),
    uploadRetries: count('upload_retries'),
    historyDir: text('history_dir'),
    historyRetentionDays: count('history_retention_days'),
    archiveManifest: text('archive_manifest'),
    runsRoot: text('runs_root'),
    stateArchiveRoot: text('state_archive_root'),
    filters: {
      ...(values.strategy ? { strategy: text('strategy') } : {}),
      ...(values.symbol ? { symbol: text('symbol') } : {}),
      ...(values.mode ? { mode: text('mode') } : {}),
    },
    portfolioTelemetry: text('portfolio_telemetry'),
    latencyRollup: text('latency_rollup'),
    evHistoryLimit: count('ev_history_limit'),
    slipLimit: count('slip_limit'),
    turnoverLimit: count('turnover_limit'),
    latencyLimit: count('latency_limit'),
    indent: count('indent'),
    lockFile: text('lock_file'),
    dryRun: values.dry_run === true,
  };
  requireOutputInsideBundle(options.outputDir, options.manifest, root);
  return options;
}
