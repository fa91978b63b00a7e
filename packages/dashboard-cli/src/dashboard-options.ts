import { dirname, isAbsolute, relative, sep } from 'node:path';
import {
  command,
  count,
  defineOptions,
  flag,
  type JobConfigSpec,
  list,
  type OptionValues,
  optionTypes,
  path,
  positive,
  type ResolvedInput,
  registeredJob,
  resolveAgainstRoot,
  text,
  usageError,
  WORKSPACE_LAYOUT,
} from '@obs-automation/core';
import type { DashboardConfig } from './dashboard-config.js';
import { DATASET_NAMES } from './dataset-names.js';
import type { PageSettings } from './page/page-settings.js';

const DASHBOARD = registeredJob('dashboard');

export const DASHBOARD_OPTIONS = defineOptions({
  dataset: list(
    optionTypes.choice(DATASET_NAMES),
    `dataset to export, repeatable: ${DATASET_NAMES.join(', ')}`,
    {
      default: [...DATASET_NAMES],
      min: 1,
    },
  ),
  outputDir: path('where <dataset>.json files are written', {
    value: '<dir>',
    default: WORKSPACE_LAYOUT.dashboardOutDir,
  }),
  manifest: path('bundle manifest (its folder must hold --output-dir)', {
    default: WORKSPACE_LAYOUT.dashboardManifest,
  }),
  provenance: path('JSON object merged into the manifest provenance', { value: '<json file>' }),
  heartbeatFile: path('heartbeat', { default: DASHBOARD.heartbeatFile }),
  uploadCommand: command(
    'run through /bin/sh -c after the export (cwd = root; env OBS_DASHBOARD_DIR, OBS_DASHBOARD_MANIFEST, OBS_JOB_ID, OBS_SEQUENCE)',
  ),
  uploadTimeoutSeconds: positive('per attempt; the command’s process group is killed when it runs longer', {
    value: '<seconds>',
    default: 300,
  }),
  uploadRetries: count('retries after a failed attempt (waits 1 s, 2 s, 4 s … up to 30 s between attempts)', {
    default: 2,
    max: 20,
  }),
  historyDir: path(
    'each successful bundle is kept as <dir>/<job_id>/, or recorded in <dir>/references/ when its datasets equal the newest kept bundle’s',
    {
      value: '<dir>',
      default: WORKSPACE_LAYOUT.dashboardHistoryDir,
    },
  ),
  historyRetentionDays: count(
    'history bundles and references older than this are deleted (the newest run never is, nor a bundle a kept reference names)',
    { value: '<days>', default: 56, min: 1 },
  ),
  archiveManifest: path('one JSON line per deleted history bundle or reference, written before deletion', {
    default: WORKSPACE_LAYOUT.dashboardArchiveManifest,
  }),
  archiveManifestRetentionDays: count(
    'records of the archive manifest older than this are dropped (keep it at least as long as the run log)',
    { value: '<days>', default: 400, min: 1 },
  ),
  runsRoot: path('holds index.csv and <run_id>/daily.csv', {
    value: '<dir>',
    default: WORKSPACE_LAYOUT.runsRoot,
  }),
  stateArchiveRoot: path('EV state exports under <strategy>/<symbol>/<mode>/*.json', {
    value: '<dir>',
    default: WORKSPACE_LAYOUT.stateArchiveDir,
  }),
  strategy: text('only state exports of this strategy', { value: '<name>' }),
  symbol: text('only state exports of this symbol', { value: '<name>' }),
  mode: text('only state exports of this mode', { value: '<name>' }),
  portfolioTelemetry: path('router telemetry with execution_health', {
    default: WORKSPACE_LAYOUT.routerTelemetry,
  }),
  latencyRollup: path('hourly latency rollup CSV', { default: WORKSPACE_LAYOUT.latencyRollup }),
  evHistoryLimit: count('newest state exports per (strategy, symbol, mode) in ev_history', {
    default: 32,
    min: 1,
  }),
  slipLimit: count('newest state exports per (strategy, symbol, mode) in slippage', { default: 60, min: 1 }),
  turnoverLimit: count('last runs of index.csv in turnover', { default: 50, min: 1 }),
  latencyLimit: count('newest rollup windows in latency', { default: 168, min: 1 }),
  indent: count('JSON indentation of datasets and manifest (0 = compact)', { default: 2, max: 10 }),
  lockFile: path('job lock', { default: DASHBOARD.lockFile }),
  dryRun: flag('export and verify the bundle, skip the upload (status dry_run)'),
});

type DashboardValues = OptionValues<typeof DASHBOARD_OPTIONS.declarations>;

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

/** The typed options of one obs-dashboard run; paths as given (root-relative or absolute). */
export async function finalizeDashboardOptions({
  values,
  root,
  config,
}: ResolvedInput<DashboardValues, { page?: PageSettings }>) {
  requireOutputInsideBundle(values.outputDir, values.manifest, root);
  const chosen = new Set(values.dataset);
  return {
    ...values,
    datasets: DATASET_NAMES.filter((name) => chosen.has(name)),
    provenance: values.provenance ?? null,
    uploadCommand: values.uploadCommand ?? null,
    filters: {
      ...(values.strategy ? { strategy: values.strategy } : {}),
      ...(values.symbol ? { symbol: values.symbol } : {}),
      ...(values.mode ? { mode: values.mode } : {}),
    },
    /** the page's thresholds and large-change rule (`page:` of the config file) */
    page: config.page ?? (await import('./page/page-settings.js')).DEFAULT_PAGE_SETTINGS,
  };
}

export type DashboardOptions = Awaited<ReturnType<typeof finalizeDashboardOptions>>;

/** Flag defaults from the config; a top-level flag key wins over its `paths` / `notes` alias. */
function configFlagDefaults(config: DashboardConfig): Record<string, unknown> {
  const { datasets, paths, notes, page: _page, ...flagKeys } = config;
  return {
    dataset: datasets,
    ...paths,
    history_retention_days: notes?.retention_days,
    upload_command: notes?.upload_command,
    ...Object.fromEntries(
      Object.entries(flagKeys).filter(([, value]) => value !== undefined && value !== null),
    ),
  };
}

/** dashboard_export.yaml; its schema is loaded when a file is read. */
export const DASHBOARD_CONFIG: JobConfigSpec<DashboardConfig> = {
  defaultPath: registeredJob('dashboard').configFile,
  loadSchema: async () => (await import('./dashboard-config.js')).dashboardConfigSchema,
  flagDefaults: configFlagDefaults,
};
