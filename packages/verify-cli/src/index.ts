export * from './bundle/index.js';
export type { CheckFailure, CheckOutcome, CheckStatus } from './checks/check-outcome.js';
export { MIN_SIGNING_SECRET_CHARS } from './checks/secrets-check.js';
export { kpiCommand } from './kpi/kpi-command.js';
export { rebuildLogJob } from './rebuild/rebuild-log-job.js';
export type { RebuildLogOptions } from './rebuild/rebuild-log-options.js';
export { payloadChecksum } from './trace/weekly-payload-artefact.js';
export { verifyJob } from './verify-job.js';
export type { VerifyOptions } from './verify-options.js';
