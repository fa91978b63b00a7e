import { forEachJsonLine, JobError, parseTimestamp } from '@obs-automation/core';
import * as z from '@obs-automation/core/zod';

/** One line of ops/dashboard_export_archive_manifest.jsonl: a history bundle deleted by retention. */
const archiveLineSchema = z.object({
  job_id: z.string().regex(/^[0-9]{8}T[0-9]{6}Z-[a-z0-9_-]+$/, 'is not a job id'),
  sequence: z.number().int().min(1),
  deleted_at: z.string().refine((text) => parseTimestamp(text) !== null, 'is not an ISO-8601 timestamp'),
  path: z.string().min(1),
  datasets: z.array(
    z.object({
      dataset: z.string().min(1),
      checksum_sha256: z.string().regex(/^[a-f0-9]{64}$/, 'is not a lower-case SHA-256'),
      row_count: z.number().int().min(0),
    }),
  ),
});

export interface InvalidArchiveLine {
  line: number;
  reason: string;
}

export interface ArchiveManifestScan {
  exists: boolean;
  lines: number;
  recordedJobIds: Set<string>;
  /** the first invalid lines (up to 20) */
  invalid: InvalidArchiveLine[];
  invalidCount: number;
  /** why the file itself cannot be read (a link, a FIFO, …); null when it was read */
  unreadable: string | null;
}

const MAX_LISTED_LINES = 20;

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || '(line)'}: ${issue.message}` : 'invalid';
}

/** Reads the archive manifest line by line (streamed); every line is checked against the line format. */
export async function scanArchiveManifest(path: string, shown: string): Promise<ArchiveManifestScan> {
  const scan: ArchiveManifestScan = {
    exists: false,
    lines: 0,
    recordedJobIds: new Set(),
    invalid: [],
    invalidCount: 0,
    unreadable: null,
  };
  const reject = (line: number, reason: string) => {
    scan.invalidCount += 1;
    if (scan.invalid.length < MAX_LISTED_LINES) scan.invalid.push({ line, reason });
  };
  try {
    scan.exists = await forEachJsonLine(
      path,
      { shown, what: 'archive manifest' },
      ({ line, value }) => {
        scan.lines += 1;
        const parsed = archiveLineSchema.safeParse(value);
        if (parsed.success) scan.recordedJobIds.add(parsed.data.job_id);
        else reject(line, describeIssue(parsed.error));
      },
      (line, reason) => {
        scan.lines += 1;
        reject(line, reason);
      },
    );
  } catch (error) {
    if (!(error instanceof JobError)) throw error;
    scan.exists = true;
    scan.unreadable = error.message;
  }
  return scan;
}
