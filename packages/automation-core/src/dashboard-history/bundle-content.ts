import { join } from 'node:path';
import { readBoundedFile } from '../bounded-file-read.js';
import { parseJsonBounded, readJsonFile } from '../bounded-json.js';
import { resolveBundleFile } from '../bundle-file-path.js';
import { canonicalJson } from '../canonical-json.js';
import { sha256Hex } from '../checksum.js';
import { JobError } from '../job-error.js';
import { isJsonObject } from '../json-fields.js';

/** The fields of a dataset file that stamp the run rather than describe the data. */
const RUN_STAMP_FIELDS = ['generated_at', 'job_id'] as const;

/**
 * SHA-256 of a dataset file's content: its JSON without the run's stamp (`generated_at`,
 * `job_id`), canonicalised (RFC 8785), so that two runs exporting the same rows agree whatever
 * their time, job id or indentation.
 */
export function datasetContentSha256(bytes: Uint8Array, shown: string): string {
  const document = parseJsonBounded(Buffer.from(bytes).toString('utf8'), { what: 'dataset', file: shown });
  if (!isJsonObject(document)) {
    throw new JobError('invalid_input', `dataset ${shown} is not a JSON object`, { file: shown });
  }
  const content = { ...document };
  for (const field of RUN_STAMP_FIELDS) delete content[field];
  return sha256Hex(canonicalJson(content));
}

interface ContentEntry {
  dataset: string;
  path: string;
  content_sha256: string;
}

/** SHA-256 over a bundle's datasets: the canonical JSON of (dataset, path, content SHA-256), by dataset. */
export function bundleContentSha256(entries: readonly ContentEntry[]): string {
  const sorted = [...entries]
    .map(({ dataset, path, content_sha256 }) => [dataset, path, content_sha256])
    .sort(([left], [right]) => ((left as string) < (right as string) ? -1 : 1));
  return sha256Hex(canonicalJson(sorted));
}

export type BundleContentRead =
  | { kind: 'ok'; jobId: string; contentSha256: string }
  /** `code`: manifest_missing, manifest_unreadable, dataset_missing, checksum_mismatch, path_not_allowed, invalid_input */
  | { kind: 'refused'; code: string; message: string };

interface ListedDataset {
  dataset: string;
  path: string;
  checksum_sha256: string;
}

function listedDatasets(manifest: Record<string, unknown>): ListedDataset[] | null {
  if (!Array.isArray(manifest.datasets) || typeof manifest.job_id !== 'string') return null;
  const entries = manifest.datasets.filter(
    (entry): entry is ListedDataset =>
      isJsonObject(entry) &&
      typeof entry.dataset === 'string' &&
      typeof entry.path === 'string' &&
      typeof entry.checksum_sha256 === 'string',
  );
  return entries.length === manifest.datasets.length ? entries : null;
}

async function datasetContent(folder: string, entry: ListedDataset, source: string): Promise<ContentEntry> {
  const file = await resolveBundleFile(folder, entry.path, {
    code: 'dataset_missing',
    what: 'dataset path',
    source,
  });
  const bytes = await readBoundedFile(file.absolute, {
    kind: 'dataset',
    shown: `${source}: ${file.relative}`,
    what: 'dataset',
    followSymlinks: false,
  });
  if (bytes === null) {
    throw new JobError('dataset_missing', `${source}: dataset ${file.relative} does not exist`, {});
  }
  const checksum = sha256Hex(bytes);
  if (checksum !== entry.checksum_sha256.toLowerCase()) {
    throw new JobError(
      'checksum_mismatch',
      `${source}: dataset ${file.relative} has SHA-256 ${checksum}, the manifest records ${entry.checksum_sha256}`,
      {},
    );
  }
  return {
    dataset: entry.dataset,
    path: entry.path,
    content_sha256: datasetContentSha256(bytes, `${source}: ${file.relative}`),
  };
}

/**
 * The content SHA-256 of the bundle in `folder` as its manifest `manifestName` lists it: every
 * dataset read inside the folder (never through a link, under the dataset cap) and checked against
 * its recorded SHA-256 first, so that a bundle whose files changed is never taken for another.
 * `shown` names the folder in messages.
 */
export async function readBundleContent(
  folder: string,
  manifestName: string,
  shown: string,
): Promise<BundleContentRead> {
  const source = `${shown}/${manifestName}`;
  const read = await readJsonFile(join(folder, manifestName), {
    kind: 'manifest',
    shown: source,
    what: 'manifest',
  });
  if (read.kind === 'missing')
    return { kind: 'refused', code: 'manifest_missing', message: `${source} does not exist` };
  const datasets = read.kind === 'ok' && isJsonObject(read.value) ? listedDatasets(read.value) : null;
  if (read.kind === 'invalid' || datasets === null) {
    const reason = read.kind === 'invalid' ? read.reason : 'does not list its datasets';
    return { kind: 'refused', code: 'manifest_unreadable', message: `${source}: ${reason}` };
  }
  try {
    const entries: ContentEntry[] = [];
    for (const entry of datasets) entries.push(await datasetContent(folder, entry, source));
    const jobId = (read.value as { job_id: string }).job_id;
    return { kind: 'ok', jobId, contentSha256: bundleContentSha256(entries) };
  } catch (error) {
    if (!(error instanceof JobError)) throw error;
    return { kind: 'refused', code: error.code, message: error.message };
  }
}
