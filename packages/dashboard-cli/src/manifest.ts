import {
  bundledSchemaPath,
  formatSchemaIssues,
  JobError,
  readJsonFile,
  type SchemaIssue,
  schemaValidator,
} from '@obs-automation/core';
import type { DatasetName } from './dataset-names.js';

export const MANIFEST_SCHEMA_FILE = 'dashboard_manifest.schema.json';

/** One dataset of a bundle; `path` is relative to the manifest's folder. */
export interface ManifestDatasetEntry {
  dataset: DatasetName;
  path: string;
  checksum_sha256: string;
  row_count: number;
  generated_at: string;
  source_hash: string;
}

/** The bundle's HTML page; `path` is relative to the manifest's folder. */
export interface ManifestPageEntry {
  path: string;
  checksum_sha256: string;
  bytes: number;
}

export interface ManifestProvenance {
  command: string;
  commit_sha: string;
  inputs: string[];
  environment: unknown;
  [key: string]: unknown;
}

/** `out/dashboard/manifest.json` (schemas/dashboard_manifest.schema.json). */
export interface DashboardManifest {
  schema_version: string;
  sequence: number;
  generated_at: string;
  job_id: string;
  datasets: ManifestDatasetEntry[];
  provenance: ManifestProvenance;
  heartbeat?: Record<string, unknown>;
  /** absent in bundles written before the page existed */
  page?: ManifestPageEntry;
}

/** Every file of a bundle besides the manifest, as paths relative to the manifest's folder. */
export function bundleFilePaths(manifest: DashboardManifest): string[] {
  return [...manifest.datasets.map((entry) => entry.path), ...(manifest.page ? [manifest.page.path] : [])];
}

export type ManifestRead =
  | { kind: 'missing' }
  /** unreadable, not JSON or not valid against the schema; `sequence` when one could still be read */
  | { kind: 'invalid'; reason: string; sequence: number | null }
  | { kind: 'ok'; manifest: DashboardManifest };

/** Schema issues of a manifest, plus the one rule JSON Schema cannot express: each dataset once. */
export async function manifestIssues(value: unknown): Promise<SchemaIssue[]> {
  const validate = await schemaValidator(bundledSchemaPath(MANIFEST_SCHEMA_FILE));
  const issues = validate(value);
  if (issues.length > 0) return issues;
  const seen = new Set<string>();
  (value as DashboardManifest).datasets.forEach((entry, index) => {
    if (seen.has(entry.dataset))
      issues.push({
        path: `/datasets/${index}/dataset`,
        message: `dataset ${entry.dataset} is listed twice`,
      });
    seen.add(entry.dataset);
  });
  return issues;
}

function sequenceOf(value: unknown): number | null {
  const sequence = (value as { sequence?: unknown } | null)?.sequence;
  return typeof sequence === 'number' && Number.isInteger(sequence) && sequence > 0 ? sequence : null;
}

/**
 * Reads a manifest the job wrote (a regular file under the manifest cap, never through a link,
 * nesting capped) and validates it; why it cannot be used says where, never what it holds.
 */
export async function readManifest(path: string, shown: string): Promise<ManifestRead> {
  const read = await readJsonFile(path, { kind: 'manifest', shown, what: 'manifest' });
  if (read.kind === 'missing') return read;
  if (read.kind === 'invalid') return { ...read, sequence: null };
  const value = read.value;
  const issues = await manifestIssues(value);
  if (issues.length > 0) {
    return {
      kind: 'invalid',
      reason: `fails ${MANIFEST_SCHEMA_FILE}: ${formatSchemaIssues(issues)}`,
      sequence: sequenceOf(value),
    };
  }
  return { kind: 'ok', manifest: value as DashboardManifest };
}

/** The manifest's bytes, after validating it against its schema (`schema_validation_failed` otherwise). */
export async function renderManifest(
  shown: string,
  manifest: DashboardManifest,
  indent: number,
): Promise<Buffer> {
  const issues = await manifestIssues(manifest);
  if (issues.length > 0) {
    throw new JobError(
      'schema_validation_failed',
      `manifest ${shown} fails ${MANIFEST_SCHEMA_FILE}: ${formatSchemaIssues(issues)}`,
      { path: shown, issues: issues.slice(0, 10) },
    );
  }
  return Buffer.from(`${JSON.stringify(manifest, null, indent)}\n`, 'utf8');
}
