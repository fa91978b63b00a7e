import { bundledSchemaPath, readJsonFile, type SchemaIssue, schemaValidator } from '@obs-automation/core';

export const DASHBOARD_MANIFEST_SCHEMA = 'dashboard_manifest.schema.json';

/** The fields of a dashboard manifest that verification relies on (the schema guarantees them). */
export interface BundleManifest {
  sequence: number;
  generated_at: string;
  job_id: string;
  datasets: { dataset: string; path: string; checksum_sha256: string; row_count: number }[];
  /** the bundle's HTML page; absent in bundles written before it existed */
  page?: { path: string; checksum_sha256: string; bytes: number };
}

export type BundleManifestRead =
  | { kind: 'ok'; manifest: BundleManifest }
  | { kind: 'missing' }
  | { kind: 'unreadable'; reason: string }
  | { kind: 'schema_invalid'; issues: SchemaIssue[] };

/** Schema issues of a manifest, plus the rule JSON Schema cannot express: each dataset listed once. */
async function manifestIssues(value: unknown): Promise<SchemaIssue[]> {
  const issues = (await schemaValidator(bundledSchemaPath(DASHBOARD_MANIFEST_SCHEMA)))(value);
  if (issues.length > 0) return issues;
  const seen = new Set<string>();
  (value as BundleManifest).datasets.forEach(({ dataset }, index) => {
    if (seen.has(dataset))
      issues.push({ path: `/datasets/${index}/dataset`, message: `dataset ${dataset} is listed twice` });
    seen.add(dataset);
  });
  return issues;
}

/**
 * Reads a dashboard manifest (a regular file under the manifest cap, never through a link,
 * nesting capped) and validates it against schemas/dashboard_manifest.schema.json. Why it
 * cannot be read says where, never what it holds.
 */
export async function readBundleManifest(path: string, shown: string): Promise<BundleManifestRead> {
  const read = await readJsonFile(path, { kind: 'manifest', shown, what: 'manifest' });
  if (read.kind === 'missing') return read;
  if (read.kind === 'invalid') return { kind: 'unreadable', reason: read.reason };
  const issues = await manifestIssues(read.value);
  return issues.length > 0
    ? { kind: 'schema_invalid', issues }
    : { kind: 'ok', manifest: read.value as BundleManifest };
}
