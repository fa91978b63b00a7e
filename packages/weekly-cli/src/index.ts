export type { DeletionManifestLine, DeliveryManifestLine, SignatureRecord } from './history-store.js';
export { CHECKSUM_FIELD, payloadChecksum } from './payload-checksum.js';
export { weeklyJob } from './weekly-job.js';
export { PAYLOAD_SCHEMA_FILE, type WeeklyOptions } from './weekly-options.js';
export { PAYLOAD_SCHEMA_VERSION, type WeeklyPayload } from './weekly-payload.js';
