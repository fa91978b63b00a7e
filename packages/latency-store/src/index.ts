export {
  ARCHIVE_ENTRY_RULE,
  type ArchiveDeletionEntry,
  type ArchiveManifest,
  type ArchiveManifestEntry,
  type ArchiveManifestLine,
  appendArchiveManifestEntry,
  appendArchiveManifestLines,
  archiveFileOf,
  currentArchives,
  type DeletionRecord,
  type ManifestRecord,
  readArchiveManifest,
} from './archive/archive-manifest.js';
export { dayArchivePath, isDayArchive, newArchivePath, utcDayOf } from './archive/archive-path.js';
export {
  type AppendedArchive,
  type ArchiveAppend,
  appendedArchive,
  appendToArchive,
  cumulativeFigures,
  planArchiveAppend,
  undoArchiveAppend,
} from './archive/day-archive.js';
export {
  CHECKPOINT_EVERY_LINES,
  type CheckpointedManifest,
  checkpointPathOf,
  readCheckpointedManifest,
  writeManifestCheckpoint,
} from './archive/manifest-checkpoint.js';
export { parseDecimalText } from './csv/ascii-decimal.js';
export { parseTimestampText } from './csv/ascii-timestamp.js';
export { csvField, csvLine, csvQuotedBytes } from './csv/csv-format.js';
export { DEFAULT_MAX_RECORD_BYTES, overLongReason } from './csv/csv-tokenizer.js';
export { openChunks } from './file-chunks.js';
export { type LatencyFile, LatencyFileError } from './latency-file.js';
export { isFailureStatus, type LatencySample } from './raw/latency-sample.js';
export { appendSamplesToRaw } from './raw/raw-append.js';
export type { RawLayout } from './raw/raw-layout.js';
export { scanRawCsv } from './raw/raw-scan.js';
export {
  type ArchiveContent,
  type RejectedRow,
  readArchiveSamples,
  readLatencySamples,
  type SampleVisitor,
} from './raw/sample-readers.js';
export { LATENCY_ROLLUP_COLUMNS } from './rollup/rollup-columns.js';
export {
  formatRollup,
  type RollupFigures,
  type RollupRow,
  readRollupFile,
  type StoredRollupRow,
  scanRollupFile,
} from './rollup/rollup-file.js';
export { TempFileWriter } from './temp-file-writer.js';
