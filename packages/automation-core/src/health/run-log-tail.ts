import { openRegularFile } from '../bounded-file-read.js';
import { JobError } from '../job-error.js';
import {
  errorCodeOrNull,
  isJsonObject,
  shownMessageOrNull,
  shownTextOrNull,
  timestampOrNull,
} from '../json-fields.js';
import { linesBackwards } from '../log-tail.js';
import { checkSegment, forEachSegmentLine } from '../run-log-segments/segment-file.js';
import { readSegmentManifest } from '../run-log-segments/segment-manifest.js';
import { runLogSegmentPaths } from '../run-log-segments/segment-paths.js';

/** The fields of a run log entry the health model uses, read without trusting them. */
export interface TailEntry {
  sequence: number | null;
  jobName: string | null;
  jobId: string | null;
  status: string | null;
  loggedAt: Date | null;
  errorCode: string | null;
  errorMessage: string | null;
  /** the first warning the run noted without a code of its own (`diagnostics.warnings`) */
  firstWarning: string | null;
  /** a rehearsal whose status does not say so (`diagnostics.dry_run`) */
  dryRun: boolean;
}

export interface RunLogTail {
  state: 'ok' | 'missing' | 'unreadable';
  /** why the log could not be read (never its content) */
  problem: string | null;
  /** newest first */
  entries: TailEntry[];
  /** lines in the window that are not JSON objects (a torn tail, a hand edit) */
  unreadableLines: number;
  bytesRead: number;
  /** the window reached the start of the log */
  wholeLog: boolean;
}

/**
 * How much of the run log's end the health model reads: at 15-minute chains of four entries of
 * up to 3.5 KB, a few hours of runs, enough for streaks and sequence gaps; the full check is
 * obs-verify's.
 */
export const RUN_LOG_TAIL_BYTES = 256 * 1024;

function tailEntry(line: Buffer): TailEntry | null {
  let entry: unknown;
  try {
    entry = JSON.parse(line.toString('utf8'));
  } catch {
    return null;
  }
  if (!isJsonObject(entry)) return null;
  const diagnostics = isJsonObject(entry.diagnostics) ? entry.diagnostics : {};
  return {
    sequence: Number.isSafeInteger(entry.sequence) ? (entry.sequence as number) : null,
    jobName: shownTextOrNull(entry.job_name, 64),
    jobId: shownTextOrNull(entry.job_id, 80),
    status: shownTextOrNull(entry.status, 20),
    loggedAt: timestampOrNull(entry.logged_at),
    errorCode: errorCodeOrNull(diagnostics.error_code),
    errorMessage: shownMessageOrNull(diagnostics.error_message, 240),
    firstWarning: Array.isArray(diagnostics.warnings)
      ? shownMessageOrNull(diagnostics.warnings[0], 240)
      : null,
    dryRun: diagnostics.dry_run === true,
  };
}

/**
 * The newest lines of the last sealed segment (its last gzip member, at most RUN_LOG_TAIL_BYTES
 * unpacked), newest first, for a tail window the open log does not fill — just after a seal the
 * open log is nearly empty. A segment that fails its check (hash, containment) adds nothing:
 * obs-verify reports it.
 */
async function sealedTailLines(path: string, shown: string): Promise<Buffer[]> {
  const paths = runLogSegmentPaths(path);
  const manifest = await readSegmentManifest(paths.manifest, paths.manifest).catch(() => null);
  const last = manifest?.live.at(-1);
  if (!last) return [];
  const shownDir = runLogSegmentPaths(shown).dir;
  const checked = await checkSegment(paths.dir, shownDir, last);
  if (!checked.ok) return [];
  const lines: Buffer[] = [];
  try {
    await forEachSegmentLine(
      checked,
      last,
      (line) => {
        if (line.text !== null) lines.push(Buffer.from(line.text));
      },
      { tailOnly: true },
    );
  } catch {
    return [];
  }
  return lines.reverse();
}

/**
 * The last `maxBytes` of the run log, read backwards (never the whole log). A log that is a link,
 * a FIFO or cannot be opened is `unreadable`, with the reason.
 */
export async function readRunLogTail(
  path: string,
  shown: string,
  maxBytes: number = RUN_LOG_TAIL_BYTES,
): Promise<RunLogTail> {
  const empty = { entries: [], unreadableLines: 0, bytesRead: 0, wholeLog: true };
  let opened: Awaited<ReturnType<typeof openRegularFile>>;
  try {
    opened = await openRegularFile(path, { kind: 'run_log', shown, code: 'run_log_unreadable' });
  } catch (error) {
    if (!(error instanceof JobError)) throw error;
    return { state: 'unreadable', problem: error.message, ...empty };
  }
  if (!opened) return { state: 'missing', problem: null, ...empty };
  const entries: TailEntry[] = [];
  let unreadableLines = 0;
  try {
    for await (const line of linesBackwards(opened.handle, opened.size, { maxBytes })) {
      if (line.length === 0) continue;
      const entry = tailEntry(line);
      if (entry) entries.push(entry);
      else unreadableLines += 1;
    }
  } finally {
    await opened.handle.close();
  }
  let sealedBytes = 0;
  if (opened.size < maxBytes) {
    for (const line of await sealedTailLines(path, shown)) {
      if (sealedBytes + line.length + 1 > maxBytes - opened.size) break;
      sealedBytes += line.length + 1;
      const entry = tailEntry(line);
      if (entry) entries.push(entry);
    }
  }
  return {
    state: 'ok',
    problem: null,
    entries,
    unreadableLines,
    bytesRead: Math.min(opened.size, maxBytes) + sealedBytes,
    wholeLog: opened.size <= maxBytes && sealedBytes === 0,
  };
}
