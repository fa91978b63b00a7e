import { join } from 'node:path';
import { sha256Hex } from '@obs-automation/core';
import type { DatasetContent } from './dataset-content.js';
import { DASHBOARD_SCHEMA_VERSION, type DatasetName } from './dataset-names.js';

/** A dataset file ready to be written: its exact bytes and their checksum. */
export interface RenderedDataset {
  content: DatasetContent;
  /** absolute path of `<output-dir>/<dataset>.json` */
  path: string;
  bytes: Buffer;
  checksum: string;
  rowCount: number;
}

export function datasetFilePath(outputDir: string, dataset: DatasetName): string {
  return join(outputDir, `${dataset}.json`);
}

/** The dataset file `{dataset, schema_version, generated_at, job_id, rows, …}`; the checksum is over these bytes. */
export function renderDatasetFile(
  content: DatasetContent,
  outputDir: string,
  stamp: { generatedAt: string; jobId: string },
  indent: number,
): RenderedDataset {
  const document = {
    dataset: content.dataset,
    schema_version: DASHBOARD_SCHEMA_VERSION,
    generated_at: stamp.generatedAt,
    job_id: stamp.jobId,
    rows: content.rows,
    ...content.extra,
  };
  const bytes = Buffer.from(`${JSON.stringify(document, null, indent)}\n`, 'utf8');
  return {
    content,
    path: datasetFilePath(outputDir, content.dataset),
    bytes,
    checksum: sha256Hex(bytes),
    rowCount: content.rows.length,
  };
}
