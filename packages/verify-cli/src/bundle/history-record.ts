import {
  isJsonObject,
  JOB_ID_PATTERN,
  JobError,
  parseJsonBounded,
  parseTimestamp,
  readBoundedFile,
  writeFileAtomic,
} from '@obs-automation/core';

/**
 * The kept bundles of one UTC day (by the time their folder names begin with) whose manifests a
 * night read and found valid: what the history checks use of them.
 */
export interface RecordedBundleDay {
  /** `YYYYMMDD`, the start of the folder names */
  day: string;
  folders: number;
  /** of the folder names, sorted, one a line */
  names_sha256: string;
  max_sequence: number;
  oldest_generated_at: string;
  /** the newest of its runs (retention never deletes the history's newest run) */
  newest: { generated_at: string; sequence: number };
  /**
   * An item a bundle, `<folder> <sequence> <generated_at>[ <job_id>]` (the job id when it is not
   * the folder's name), separated by RUN_SEPARATOR: split only when a night needs the bundles one
   * by one.
   */
  bundles: string;
  verified_at: string;
}

/** Between the bundles of RecordedBundleDay.bundles: nothing to escape in JSON, so the record parses fast. */
export const RUN_SEPARATOR = ';';

/** What a recorded bundle's manifest said. */
export interface RecordedRun {
  sequence: number;
  generated_at: string;
  job_id: string;
}

/** A kept bundle a reference names, with the content SHA-256 the reference records. */
export interface ReferencedContent {
  bundle: string;
  content_sha256: string;
}

/**
 * A references day file a night read through with every line valid: its bytes (size and SHA-256)
 * and what the history checks use of its lines.
 */
export interface RecordedReferenceFile {
  /** the file's name in the references folder */
  file: string;
  bytes: number;
  sha256: string;
  /** the file's identity when it was read (fileIdentity: device, inode, size, times); '' when unknown */
  identity: string;
  references: number;
  max_sequence: number;
  /** the newest of its runs (retention never deletes the history's newest run) */
  newest: { generated_at: string; sequence: number };
  oldest_generated_at: string;
  /** each distinct pair its lines name */
  bundles: ReferencedContent[];
  verified_at: string;
}

export interface HistoryRecord {
  bundleDays: Map<string, RecordedBundleDay>;
  referenceFiles: Map<string, RecordedReferenceFile>;
  /** why an existing record was not used (the whole history is then read); null when it was */
  problem: string | null;
  /** when a night last read the whole history (null: never, or not a time) */
  fullReadAt: string | null;
}

const SHA256 = /^[a-f0-9]{64}$/;
const isSequence = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 1;
const isTime = (value: unknown): value is string =>
  typeof value === 'string' && parseTimestamp(value) !== null;
const isJobId = (value: unknown): value is string => typeof value === 'string' && JOB_ID_PATTERN.test(value);
const DAY = /^[0-9]{8}$/;
const isRun = (value: unknown): value is { generated_at: string; sequence: number } =>
  isJsonObject(value) && isTime(value.generated_at) && isSequence(value.sequence);
const isSha256 = (value: unknown): value is string => typeof value === 'string' && SHA256.test(value);

function recordedBundleDay(value: unknown): RecordedBundleDay | null {
  if (!isJsonObject(value)) return null;
  const { day, folders, names_sha256, max_sequence, oldest_generated_at, newest, bundles, verified_at } =
    value;
  if (typeof day !== 'string' || !DAY.test(day) || !isSequence(folders) || !isSha256(names_sha256))
    return null;
  if (!isSequence(max_sequence) || !isTime(oldest_generated_at) || !isRun(newest)) return null;
  if (typeof bundles !== 'string' || !isTime(verified_at)) return null;
  return {
    day,
    folders,
    names_sha256,
    max_sequence,
    oldest_generated_at,
    newest: { generated_at: newest.generated_at, sequence: newest.sequence },
    bundles,
    verified_at,
  };
}

/** The day's bundles by folder name, as recorded; null when a line is malformed (they are then read). */
export function recordedRuns(day: RecordedBundleDay): Map<string, RecordedRun> | null {
  const runs = new Map<string, RecordedRun>();
  for (const line of day.bundles.split(RUN_SEPARATOR)) {
    const [folder, sequenceText, generated_at, jobId, ...rest] = line.split(' ');
    const sequence = Number(sequenceText);
    const job_id = jobId ?? folder;
    if (rest.length > 0 || !isJobId(folder) || !isSequence(sequence) || !isTime(generated_at)) return null;
    if (!isJobId(job_id)) return null;
    runs.set(folder as string, { sequence, generated_at, job_id });
  }
  return runs;
}

/** A recorded bundle's item (see RecordedBundleDay.bundles). */
export function recordedRunItem(folder: string, run: RecordedRun): string {
  const fields = [folder, String(run.sequence), run.generated_at];
  if (run.job_id !== folder) fields.push(run.job_id);
  return fields.join(' ');
}

function referencedContent(value: unknown): ReferencedContent | null {
  if (!isJsonObject(value) || !isJobId(value.bundle) || !isSha256(value.content_sha256)) return null;
  return { bundle: value.bundle, content_sha256: value.content_sha256 };
}

function recordedReferenceFile(value: unknown): RecordedReferenceFile | null {
  if (!isJsonObject(value)) return null;
  const {
    file,
    bytes,
    sha256,
    identity,
    references,
    max_sequence,
    newest,
    oldest_generated_at,
    verified_at,
  } = value;
  if (typeof file !== 'string' || !Number.isSafeInteger(bytes) || !isSha256(sha256)) return null;
  if (typeof identity !== 'string') return null;
  if (!isSequence(references) || !isSequence(max_sequence) || !isTime(oldest_generated_at)) return null;
  if (!isTime(verified_at) || !isRun(newest) || !Array.isArray(value.bundles)) return null;
  const bundles = value.bundles.map(referencedContent);
  if (bundles.length === 0 || bundles.some((pair) => pair === null)) return null;
  return {
    file,
    bytes: bytes as number,
    sha256,
    identity,
    references,
    max_sequence,
    newest: { generated_at: newest.generated_at, sequence: newest.sequence },
    oldest_generated_at,
    bundles: bundles as ReferencedContent[],
    verified_at,
  };
}

const noRecord = (problem: string | null): HistoryRecord => ({
  bundleDays: new Map(),
  referenceFiles: new Map(),
  problem,
  fullReadAt: null,
});

/**
 * Reads the dashboard history's verification record. It only saves work: a missing, refused or
 * malformed record means the whole history is read, with the reason reported, never a failure.
 */
export async function readHistoryRecord(path: string, shown: string): Promise<HistoryRecord> {
  try {
    const bytes = await readBoundedFile(path, { kind: 'verification_record', shown });
    if (bytes === null) return noRecord(null);
    const parsed = parseJsonBounded(bytes, { what: 'verification record', file: shown });
    if (!isJsonObject(parsed) || !Array.isArray(parsed.bundle_days) || !Array.isArray(parsed.reference_files))
      return noRecord(`${shown} has no bundle_days or reference_files list`);
    const days = parsed.bundle_days.map(recordedBundleDay);
    const files = parsed.reference_files.map(recordedReferenceFile);
    if (days.some((entry) => entry === null) || files.some((entry) => entry === null))
      return noRecord(`${shown} has a malformed entry`);
    return {
      bundleDays: new Map((days as RecordedBundleDay[]).map((entry) => [entry.day, entry])),
      referenceFiles: new Map((files as RecordedReferenceFile[]).map((entry) => [entry.file, entry])),
      problem: null,
      fullReadAt: isTime(parsed.full_read_at) ? parsed.full_read_at : null,
    };
  } catch (error) {
    if (!(error instanceof JobError)) throw error;
    return noRecord(error.message);
  }
}

/** Replaces the record atomically, an entry a line. */
export function writeHistoryRecord(
  path: string,
  record: {
    bundleDays: readonly RecordedBundleDay[];
    referenceFiles: readonly RecordedReferenceFile[];
    fullReadAt: string;
  },
  now: Date,
): Promise<void> {
  const list = (entries: readonly object[]) =>
    entries.length === 0
      ? '[]'
      : `[\n    ${entries.map((entry) => JSON.stringify(entry)).join(',\n    ')}\n  ]`;
  const body = [
    '{',
    `  "updated_at": ${JSON.stringify(now.toISOString())},`,
    `  "full_read_at": ${JSON.stringify(record.fullReadAt)},`,
    `  "bundle_days": ${list(record.bundleDays)},`,
    `  "reference_files": ${list(record.referenceFiles)}`,
    '}',
  ].join('\n');
  return writeFileAtomic(path, `${body}\n`);
}
