export type { AlertConfig, WebhookConfig } from './alert-config.js';
export { alertConfigSchema, loadAlertConfig } from './alert-config.js';
export type { AlertNotification, AlertState, PendingDelivery } from './alert-state.js';
export { parseAlertState } from './alert-state.js';
export type {
  ArchiveManifest,
  ArchiveManifestEntry,
  ManifestIssue,
  ManifestRecord,
} from './archive-manifest.js';
export { ARCHIVE_MANIFEST_SCHEMA, readArchiveManifest } from './archive-manifest.js';
export { parseTimestampText } from './ascii-timestamp.js';
export { type BreachRule, isBreach } from './breach.js';
export { latencyJob } from './latency-job.js';
export { isFailureStatus, type LatencySample, SUCCESS_STATUSES } from './latency-sample.js';
export { WRITTEN_HEADER } from './raw-layout.js';
export { REJECTS_HEADER } from './rejects-file.js';
export { type RollupRow, readRollup } from './rollup-file.js';
export {
  type RejectedRow,
  readArchiveSamples,
  readLatencySamples,
  type SampleReadResult,
  type SampleVisitor,
} from './sample-readers.js';
export { parseWindow, type WindowSpec, windowStartOf } from './window-spec.js';
