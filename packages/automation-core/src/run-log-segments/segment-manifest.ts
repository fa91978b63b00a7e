import { appendLines } from '../atomic-file.js';
import { timestampOrNull } from '../json-fields.js';
import { forEachJsonLine } from '../line-file.js';
import { SEGMENT_FILE_PATTERN } from './segment-paths.js';

/** A manifest line of a sealed segment: what it holds and the hashes to trust it by. */
export interface SealedSegment {
  /** the file name in the segment folder */
  file: string;
  first_sequence: number;
  last_sequence: number;
  /** lines in the segment (entries with a sequence, and sequence_gap warnings without one) */
  lines: number;
  first_logged_at: string;
  last_logged_at: string;
  /** size and SHA-256 of the gzip file */
  bytes: number;
  sha256: string;
  /** size and SHA-256 of the log bytes it holds, unpacked */
  source_bytes: number;
  source_sha256: string;
  /** offset of the last gzip member, which holds the segment's last lines (read by obs-status) */
  tail_offset: number;
  sealed_at: string;
}

/** A manifest line recording a segment deleted by retention, appended before the file is removed. */
export interface DeletedSegment {
  file: string;
  /** root-relative path, as the other manifests record deletions */
  path: string;
  first_sequence: number;
  last_sequence: number;
  last_logged_at: string;
  deleted_at: string;
  /** root-relative paths of files deleted with the segment: its KPI digest */
  also_deleted?: string[];
}

export interface ManifestProblem {
  line: number;
  problem: string;
}

export interface SegmentManifest {
  /** sealed segments not deleted, in manifest (= sequence) order */
  live: SealedSegment[];
  deleted: DeletedSegment[];
  problems: ManifestProblem[];
  /** false: there is no manifest (a log never sealed) */
  exists: boolean;
}

const SHA256 = /^[0-9a-f]{64}$/;

function wholeNumber(value: unknown, min: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min;
}

/** Checks the fields both kinds of line share: the file name and the sequence range it spells. */
function segmentRangeProblem(value: Record<string, unknown>): string | null {
  const match = typeof value.file === 'string' ? SEGMENT_FILE_PATTERN.exec(value.file) : null;
  if (!match) return 'file is not a segment name (<first>_<last>.log.gz)';
  if (!wholeNumber(value.first_sequence, 1) || !wholeNumber(value.last_sequence, 1)) {
    return 'first_sequence and last_sequence must be whole numbers ≥ 1';
  }
  if (value.first_sequence > value.last_sequence) return 'first_sequence is past last_sequence';
  if (Number(match[1]) !== value.first_sequence || Number(match[2]) !== value.last_sequence) {
    return 'file name and sequence range disagree';
  }
  return null;
}

function sealedProblem(value: Record<string, unknown>): string | null {
  const range = segmentRangeProblem(value);
  if (range) return range;
  if (!wholeNumber(value.lines, 1)) return 'lines must be a whole number ≥ 1';
  for (const field of ['bytes', 'source_bytes', 'tail_offset'] as const) {
    if (!wholeNumber(value[field], 0)) return `${field} must be a whole number ≥ 0`;
  }
  if ((value.tail_offset as number) > (value.bytes as number)) return 'tail_offset is past the file';
  for (const field of ['sha256', 'source_sha256'] as const) {
    if (typeof value[field] !== 'string' || !SHA256.test(value[field] as string)) {
      return `${field} is not a SHA-256 hex digest`;
    }
  }
  for (const field of ['first_logged_at', 'last_logged_at', 'sealed_at'] as const) {
    if (timestampOrNull(value[field]) === null) return `${field} is not a timestamp`;
  }
  return null;
}

function deletedProblem(value: Record<string, unknown>): string | null {
  const range = segmentRangeProblem(value);
  if (range) return range;
  if (typeof value.path !== 'string') return 'path is missing';
  const also = value.also_deleted;
  if (also !== undefined && !(Array.isArray(also) && also.every((path) => typeof path === 'string'))) {
    return 'also_deleted is not a list of paths';
  }
  for (const field of ['last_logged_at', 'deleted_at'] as const) {
    if (timestampOrNull(value[field]) === null) return `${field} is not a timestamp`;
  }
  return null;
}

/**
 * Reads a segment manifest (streamed, a regular file only, lines capped). A line that is not a
 * well-formed `sealed` or `deleted` record is a problem, never trusted; a `deleted` line removes
 * the segment it names from `live`.
 */
export async function readSegmentManifest(path: string, shown: string): Promise<SegmentManifest> {
  const live: SealedSegment[] = [];
  const deleted: DeletedSegment[] = [];
  const problems: ManifestProblem[] = [];
  const exists = await forEachJsonLine(
    path,
    { shown, what: 'segment manifest' },
    ({ line, value }) => {
      const kind = value.event;
      const problem =
        kind === 'sealed'
          ? sealedProblem(value)
          : kind === 'deleted'
            ? deletedProblem(value)
            : 'event is neither "sealed" nor "deleted"';
      if (problem) problems.push({ line, problem });
      else if (kind === 'sealed') live.push(value as unknown as SealedSegment);
      else {
        const record = value as unknown as DeletedSegment;
        deleted.push(record);
        const index = live.findIndex((segment) => segment.file === record.file);
        if (index >= 0) live.splice(index, 1);
      }
    },
    (line, problem) => problems.push({ line, problem }),
  );
  return { live, deleted, problems, exists };
}

/** The highest sequence ever sealed, deleted segments included; null when nothing was sealed. */
export function sealedThrough(manifest: SegmentManifest): number | null {
  let highest: number | null = null;
  for (const segment of [...manifest.live, ...manifest.deleted]) {
    highest = Math.max(highest ?? 0, segment.last_sequence);
  }
  return highest;
}

export function appendManifestLine(
  path: string,
  line: ({ event: 'sealed' } & SealedSegment) | ({ event: 'deleted' } & DeletedSegment),
): Promise<void> {
  return appendLines(path, [JSON.stringify(line)]);
}
