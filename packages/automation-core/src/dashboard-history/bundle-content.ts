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
  /** as the manifest records them, unchecked */
  source_hash?: unknown;
  row_count?: unknown;
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

/**
 * A dataset's bytes, read inside the bundle folder (never through a link) and checked against its
 * recorded SHA-256, with the file as messages name it.
 */
async function verifiedDatasetBytes(
  folder: string,
  entry: ListedDataset,
  source: string,
): Promise<{ bytes: Uint8Array; shown: string }> {
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
  return { bytes, shown: `${source}: ${file.relative}` };
}

type Refusal = Extract<BundleContentRead, { kind: 'refused' }>;

/** A bundle as its manifest lists it; each step below turns a JobError into a refusal. */
class ListedBundle {
  constructor(
    readonly folder: string,
    readonly source: string,
    readonly jobId: string,
    readonly datasets: ListedDataset[],
  ) {}

  static async read(folder: string, manifestName: string, shown: string): Promise<ListedBundle | Refusal> {
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
    return new ListedBundle(folder, source, (read.value as { job_id: string }).job_id, datasets);
  }

  async contentOf(entry: ListedDataset): Promise<ContentEntry> {
    const { bytes, shown } = await verifiedDatasetBytes(this.folder, entry, this.source);
    return { dataset: entry.dataset, path: entry.path, content_sha256: datasetContentSha256(bytes, shown) };
  }

  /**
   * Every dataset checked against its checksum, without computing any content. contentOf reads
   * and checks a dataset again rather than this keeping both bundles' bytes: one dataset at a
   * time stays in memory, and a file replaced in between is still caught.
   */
  async verifyChecksums(): Promise<void> {
    for (const entry of this.datasets) await verifiedDatasetBytes(this.folder, entry, this.source);
  }
}

async function refusalOf<T>(step: () => Promise<T>): Promise<T | Refusal> {
  try {
    return await step();
  } catch (error) {
    if (!(error instanceof JobError)) throw error;
    return { kind: 'refused', code: error.code, message: error.message };
  }
}

const isRefusal = (value: unknown): value is Refusal =>
  typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'refused';

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
  const bundle = await ListedBundle.read(folder, manifestName, shown);
  if (isRefusal(bundle)) return bundle;
  return refusalOf(async () => {
    const entries: ContentEntry[] = [];
    for (const entry of bundle.datasets) entries.push(await bundle.contentOf(entry));
    return { kind: 'ok' as const, jobId: bundle.jobId, contentSha256: bundleContentSha256(entries) };
  });
}

export type BundleComparison =
  /** `contentSha256`: the content SHA-256 both bundles share (readBundleContent's) */
  | { kind: 'same'; contentSha256: string }
  | { kind: 'different' }
  /** `side`: the bundle that could not be read or whose files no longer match its manifest */
  | (Refusal & { side: 'current' | 'kept' });

interface BundleAt {
  folder: string;
  /** names the folder in messages */
  shown: string;
}

/** Whether two manifest entries record the same inputs and row count (a hint, never a proof). */
function recordsSameBuild(a: ListedDataset, b: ListedDataset): boolean {
  return a.source_hash === b.source_hash && a.row_count === b.row_count;
}

const datasetKey = (entry: ListedDataset): string => `${entry.dataset}\u0000${entry.path}`;

/**
 * Whether two bundles (each listed by its manifest `manifestName`) hold the same datasets: the
 * answer readBundleContent's SHA-256s would give, computing no more content than it takes. Both
 * bundles' files are checked against their checksums first; then the datasets' contents are
 * compared pair by pair, and the first pair that differs ends it. Pairs whose manifests already
 * record different inputs or row counts go first; that order only saves work, it decides nothing.
 */
export async function compareBundleContents(
  manifestName: string,
  current: BundleAt,
  kept: BundleAt,
): Promise<BundleComparison> {
  const sides = { current, kept };
  const listed: Partial<Record<keyof typeof sides, ListedBundle>> = {};
  for (const side of ['kept', 'current'] as const) {
    const { folder, shown } = sides[side];
    const bundle = await ListedBundle.read(folder, manifestName, shown);
    const checked = isRefusal(bundle) ? bundle : await refusalOf(() => bundle.verifyChecksums());
    if (isRefusal(checked)) return { ...checked, side };
    listed[side] = bundle as ListedBundle;
  }
  const [now, then] = [listed.current as ListedBundle, listed.kept as ListedBundle];
  const keptByKey = new Map(then.datasets.map((entry) => [datasetKey(entry), entry]));
  if (keptByKey.size !== then.datasets.length || now.datasets.length !== then.datasets.length)
    return { kind: 'different' };
  const pairs: [ListedDataset, ListedDataset][] = [];
  for (const entry of now.datasets) {
    const match = keptByKey.get(datasetKey(entry));
    if (!match) return { kind: 'different' };
    pairs.push([entry, match]);
  }
  pairs.sort(([a, b], [c, d]) => Number(recordsSameBuild(a, b)) - Number(recordsSameBuild(c, d)));
  const entries: ContentEntry[] = [];
  for (const [mine, theirs] of pairs) {
    const ours = await refusalOf(() => now.contentOf(mine));
    if (isRefusal(ours)) return { ...ours, side: 'current' };
    const kepts = await refusalOf(() => then.contentOf(theirs));
    if (isRefusal(kepts)) return { ...kepts, side: 'kept' };
    if (ours.content_sha256 !== kepts.content_sha256) return { kind: 'different' };
    entries.push(kepts);
  }
  return { kind: 'same', contentSha256: bundleContentSha256(entries) };
}
