import type { DatasetName } from './dataset-names.js';
import type { HashedInput } from './input-files.js';

/** A dataset built in memory, ready to be written as `<output-dir>/<dataset>.json`. */
export interface DatasetContent {
  dataset: DatasetName;
  rows: unknown[];
  /** further top-level fields of the dataset file (slippage's `state` / `execution` split) */
  extra?: Record<string, unknown>;
  /** every file the rows were computed from, with its SHA-256 (for `source_hash`) */
  inputs: HashedInput[];
  /** the configured source locations, for the manifest's `provenance.inputs` */
  sources: string[];
  diagnostics?: Record<string, unknown>;
}
