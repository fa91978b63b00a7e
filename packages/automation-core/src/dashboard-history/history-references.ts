import { parseTimestamp } from '../clock.js';
import { JOB_ID_PATTERN } from '../job-id.js';
import { forEachJsonLine } from '../line-file.js';
import { listReferenceFiles } from './history-folders.js';

const SHA256 = /^[a-f0-9]{64}$/;

/**
 * One line of a references day file: a run whose datasets had the same content as the kept
 * bundle `bundle` (a job id, i.e. the folder `<history-dir>/<bundle>/`), recorded instead of a copy.
 */
export interface ReferenceLine {
  job_id: string;
  sequence: number;
  generated_at: string;
  bundle: string;
  content_sha256: string;
}

/**
 * What is wrong with a parsed line, or null for a valid reference. Checked by hand rather than
 * with a schema library: a run reads every line of the retention window (~5,400), so the check
 * is kept to a few comparisons.
 */
function referenceLineIssue(value: Record<string, unknown>): string | null {
  const text = (field: keyof ReferenceLine) =>
    typeof value[field] === 'string' ? (value[field] as string) : null;
  for (const field of ['job_id', 'bundle'] as const) {
    const id = text(field);
    if (id === null || !JOB_ID_PATTERN.test(id)) return `${field}: is not a job id`;
  }
  const sequence = value.sequence;
  if (typeof sequence !== 'number' || !Number.isInteger(sequence) || sequence < 1)
    return 'sequence: is not a positive integer';
  const generatedAt = text('generated_at');
  if (generatedAt === null || parseTimestamp(generatedAt) === null)
    return 'generated_at: is not an ISO-8601 timestamp';
  const content = text('content_sha256');
  if (content === null || !SHA256.test(content)) return 'content_sha256: is not a lower-case SHA-256';
  return null;
}

export interface HistoryReference extends ReferenceLine {
  /** absolute path of the day file holding it */
  file: string;
  line: number;
}

export interface InvalidReferenceLine {
  file: string;
  /** 0 when the whole file was refused */
  line: number;
  reason: string;
}

export interface HistoryReferences {
  references: HistoryReference[];
  invalid: InvalidReferenceLine[];
  /** the day files read, oldest first */
  files: string[];
}

/** `<file>:<line>: <reason>` (`<file>: <reason>` for a refused file), for messages. */
export function describeInvalidReference(
  invalid: InvalidReferenceLine,
  shown: (absolute: string) => string,
): string {
  return `${shown(invalid.file)}${invalid.line > 0 ? `:${invalid.line}` : ''}: ${invalid.reason}`;
}

/** The line a reference is recorded as (fields in a fixed order). */
export function referenceLineText(reference: ReferenceLine): string {
  const { job_id, sequence, generated_at, bundle, content_sha256 } = reference;
  return JSON.stringify({ job_id, sequence, generated_at, bundle, content_sha256 });
}

/**
 * The references of one day file (streamed, lines capped, never through a link); lines that are
 * not valid references are returned apart, with their number and what is wrong. `onChunk`
 * receives the bytes as they are read (to hash them).
 */
export async function readReferenceFile(
  file: string,
  shown: string,
  onChunk?: (chunk: Buffer) => void,
): Promise<Omit<HistoryReferences, 'files'> & { exists: boolean }> {
  const references: HistoryReference[] = [];
  const invalid: InvalidReferenceLine[] = [];
  const exists = await forEachJsonLine(
    file,
    { shown, what: 'history references', ...(onChunk ? { onChunk } : {}) },
    ({ line, value }) => {
      const issue = referenceLineIssue(value);
      if (issue !== null) {
        invalid.push({ file, line, reason: issue });
        return;
      }
      const { job_id, sequence, generated_at, bundle, content_sha256 } = value as unknown as ReferenceLine;
      references.push({ job_id, sequence, generated_at, bundle, content_sha256, file, line });
    },
    (line, reason) => invalid.push({ file, line, reason }),
  );
  return { references, invalid, exists };
}

/**
 * Whether to read a day file, asked from the newest file back: `newest` for the first, `read` the
 * references of the newer files read so far.
 */
export type ReferenceFileChoice = (
  file: string,
  newest: boolean,
  read: readonly HistoryReference[],
) => boolean;

/** The references of a history's day files, of every one or of those `choose` picks (none when there are none). */
export async function readHistoryReferences(
  historyDir: string,
  shown: (absolute: string) => string,
  choose: ReferenceFileChoice = () => true,
): Promise<HistoryReferences> {
  const { files, refused } = await listReferenceFiles(historyDir);
  const chosen: { file: string; read: Awaited<ReturnType<typeof readReferenceFile>> }[] = [];
  const readSoFar: HistoryReference[] = [];
  for (const [index, file] of [...files].reverse().entries()) {
    if (!choose(file, index === 0, readSoFar)) continue;
    const read = await readReferenceFile(file, shown(file));
    readSoFar.push(...read.references);
    chosen.unshift({ file, read });
  }
  return {
    references: chosen.flatMap(({ read }) => read.references),
    invalid: [
      ...refused.map(({ path, reason }) => ({ file: path, line: 0, reason })),
      ...chosen.flatMap(({ read }) => read.invalid),
    ],
    files: chosen.map(({ file }) => file),
  };
}
