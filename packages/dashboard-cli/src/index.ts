export { dashboardJob } from './dashboard-job.js';
export type { DashboardOptions } from './dashboard-options.js';
export type { DatasetContent } from './dataset-content.js';
export { DASHBOARD_SCHEMA_VERSION, DATASET_NAMES, type DatasetName } from './dataset-names.js';
export type { EvHistoryRow } from './ev-history-dataset.js';
export { inverseNormalCdf } from './inverse-normal-cdf.js';
export type { LatencyRow } from './latency-dataset.js';
export {
  type DashboardManifest,
  MANIFEST_SCHEMA_FILE,
  type ManifestDatasetEntry,
  type ManifestProvenance,
  type ManifestRead,
  manifestIssues,
  readManifest,
} from './manifest.js';
export type { ExecutionRow } from './portfolio-telemetry.js';
export type { SlippageStateRow } from './slippage-dataset.js';
export { sourceHash } from './source-hash.js';
export type { TurnoverRow } from './turnover-dataset.js';
export { DEFAULT_CONFIDENCE, winRateLcb, winRateMean } from './win-rate.js';
