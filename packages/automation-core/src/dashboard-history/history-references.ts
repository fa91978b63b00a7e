import { z } from 'zod';
import { parseTimestamp } from '../clock.js';
import { JOB_ID_PATTERN } from '../job-id.js';
import { forEachJsonLine } from '../line-file.js';
import { listReferenceFiles } from './history-folders.js';

const SHA256 = /^[a-f0-9]{64}$/;

/**
 * One line of a references day file: a run whose datasets had the same content as the kept
 * bundle `bundle` (a job id, i.e. the folder `<history-dir>/<bundle>/`), recorded instead of a copy.
 */
const referenceLineSchema = z.object({
  job_id: z.string().regex(JOB_ID_PATTERN, 'is not a job id'),
  sequence: z.number().int().min(1),
  generated_at: z.string().refine((text) => parseTimestamp(text) !== null, 'is not an ISO-8601 timestamp'),
  bundle: z.string().regex(JOB_ID_PATTERN, 'is not a job id'),
  content_sha256: z.string().regex(SHA256, 'is not a lower-case SHA-256'),
});

export type ReferenceLine = z.output<typeof referenceLineSchema>;

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

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || '(line)'}: ${issue.message}` : 'invalid';
}

/**
 * The references of one day file (streamed, lines capped, never through a link); lines that are
 * not valid references are returned apart, with their number and what is wrong.
 */
export async function readReferenceFile(
  file: string,
  shown: string,
): Promise<Omit<HistoryReferences, 'files'> & { exists: boolean }> {
  const references: HistoryReference[] = [];
  const invalid: InvalidReferenceLine[] = [];
  const exists = await forEachJsonLine(
    file,
    { shown, what: 'history references' },
    ({ line, value }) => {
      const parsed = referenceLineSchema.safeParse(value);
      if (parsed.success) references.push({ ...parsed.data, file, line });
      else invalid.push({ file, line, reason: describeIssue(parsed.error) });
    },
    (line, reason) => invalid.push({ file, line, reason }),
  );
  return { references, invalid, exists };
}

/** Every reference of a history's day files (none when there are none). */
export async function readHistoryReferences(
  historyDir: string,
  shown: (absolute: string) => string,
): Promise<HistoryReferences> {
  const { files, refused } = await listReferenceFiles(historyDir);
  const all: HistoryReferences = {
    references: [],
    invalid: refused.map(({ path, reason }) => ({ file: path, line: 0, reason })),
    files,
  };
  for (const file of files) {
    const read = await readReferenceFile(file, shown(file));
    all.references.push(...read.references);
    all.invalid.push(...read.invalid);
  }
  return all;
}
