import type { JobError } from '@obs-automation/core';
import type { DatasetContent } from '../dataset-content.js';
import type { DatasetName } from '../dataset-names.js';
import type { EvHistoryRow } from '../ev-history-dataset.js';
import type { LatencyRow } from '../latency-dataset.js';
import type { DashboardManifest, ManifestDatasetEntry } from '../manifest.js';
import type { ExecutionRow } from '../portfolio-telemetry.js';
import type { SlippageStateRow } from '../slippage-dataset.js';
import type { TurnoverRow } from '../turnover-dataset.js';
import { type EvView, evView } from './ev-view.js';
import { type CurrentExport, type HealthView, healthView } from './health-view.js';
import { type ChangesView, largeChanges } from './large-changes.js';
import { type LatencySlo, type LatencyView, latencyView } from './latency-view.js';
import type { PageSettings } from './page-settings.js';
import { type SlippageView, slippageView } from './slippage-view.js';
import { type TurnoverView, turnoverView } from './turnover-view.js';

/** A dataset file the bundle keeps from an earlier export (this one did not write it). */
export interface KeptFile {
  path: string;
  generatedAt: string;
  rowCount: number;
}

/** What a dataset's section shows: its view (null when the dataset has no rows), or why there is none. */
export type DatasetSection<View> =
  | { state: 'ok'; rows: number; view: View | null }
  | { state: 'failed'; errorCode: string; message: string; kept: KeptFile | null }
  | { state: 'not_exported'; kept: KeptFile | null };

export interface PageModel {
  generatedAt: string;
  jobId: string;
  dryRun: boolean;
  /** root-relative folder of the page, null when it lies outside the workspace (no file links then) */
  pageFolder: string | null;
  /** root-relative runs root, null when it is outside the workspace (no run links then) */
  runsRoot: string | null;
  health: HealthView;
  slo: LatencySlo | null;
  latency: DatasetSection<LatencyView>;
  ev: DatasetSection<EvView>;
  slippage: DatasetSection<SlippageView>;
  turnover: DatasetSection<TurnoverView>;
  changes: ChangesView;
  /** the manifest the page belongs to; null when the export could write none */
  manifest: Pick<
    DashboardManifest,
    'sequence' | 'generated_at' | 'job_id' | 'provenance' | 'datasets'
  > | null;
}

export interface PageInputs {
  now: Date;
  jobId: string;
  dryRun: boolean;
  contents: readonly DatasetContent[];
  failures: readonly { dataset: DatasetName; error: JobError }[];
  manifest: DashboardManifest | null;
  settings: PageSettings;
  pageFolder: string | null;
  /** root-relative runs root, null when outside the workspace */
  runsRoot: string | null;
  current: CurrentExport;
  /** the workspace root, where the other jobs' heartbeats are read */
  root: string;
}

function keptFile(manifest: DashboardManifest | null, dataset: DatasetName, now: string): KeptFile | null {
  const entry: ManifestDatasetEntry | undefined = manifest?.datasets.find((item) => item.dataset === dataset);
  if (!entry || entry.generated_at === now) return null;
  return { path: entry.path, generatedAt: entry.generated_at, rowCount: entry.row_count };
}

/** Everything the page shows, computed from the export's datasets, its manifest and the heartbeats. */
export async function buildPageModel(inputs: PageInputs): Promise<PageModel> {
  const generatedAt = inputs.now.toISOString();
  const content = (name: DatasetName) => inputs.contents.find((item) => item.dataset === name) ?? null;
  function section<View>(
    name: DatasetName,
    view: (content: DatasetContent) => View | null,
  ): DatasetSection<View> {
    const built = content(name);
    if (built) return { state: 'ok', rows: built.rows.length, view: view(built) };
    const failure = inputs.failures.find((item) => item.dataset === name);
    const kept = keptFile(inputs.manifest, name, generatedAt);
    if (failure)
      return { state: 'failed', errorCode: failure.error.code, message: failure.error.message, kept };
    return { state: 'not_exported', kept };
  }

  const { health, slo } = await healthView(inputs.root, inputs.current);
  const evRows = (content('ev_history')?.rows as EvHistoryRow[] | undefined) ?? null;
  const slippage = content('slippage');
  const slippageState = (slippage?.extra?.state as SlippageStateRow[] | undefined) ?? null;
  const turnoverRows = (content('turnover')?.rows as TurnoverRow[] | undefined) ?? null;
  return {
    generatedAt,
    jobId: inputs.jobId,
    dryRun: inputs.dryRun,
    pageFolder: inputs.pageFolder,
    runsRoot: inputs.runsRoot,
    health,
    slo,
    latency: section('latency', (built) => latencyView(built.rows as LatencyRow[], slo)),
    ev: section('ev_history', (built) => evView(built.rows as EvHistoryRow[])),
    slippage: section('slippage', (built) =>
      slippageView(
        (built.extra?.state as SlippageStateRow[] | undefined) ?? [],
        (built.extra?.execution as ExecutionRow[] | undefined) ?? [],
        inputs.settings,
      ),
    ),
    turnover: section('turnover', (built) => turnoverView(built.rows as TurnoverRow[])),
    changes: largeChanges(
      { ev: evRows, slippage: slippageState, turnover: turnoverRows, runsRoot: inputs.runsRoot },
      inputs.settings.large_change,
    ),
    manifest: inputs.manifest,
  };
}
