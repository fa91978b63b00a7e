import { relative, sep } from 'node:path';
import { JobError } from '../job-error.js';
import { forEachFileLine } from '../line-file.js';
import type { FileLine } from '../line-splitter.js';
import { checkSegment, forEachSegmentLine } from './segment-file.js';
import { readSegmentManifest, type SealedSegment, type SegmentManifest } from './segment-manifest.js';
import { runLogSegmentPaths } from './segment-paths.js';

/** A run log's files, as the user sees them: shown paths relative to the workspace root. */
export interface RunLogFiles {
  logFile: string;
  shownLog: string;
  segmentDir: string;
  shownSegmentDir: string;
  manifest: string;
  shownManifest: string;
  verificationRecord: string;
  shownVerificationRecord: string;
}

export function runLogFiles(root: string, logFile: string): RunLogFiles {
  const paths = runLogSegmentPaths(logFile);
  const shown = (path: string) => relative(root, path).split(sep).join('/') || path;
  return {
    logFile,
    shownLog: shown(logFile),
    segmentDir: paths.dir,
    shownSegmentDir: shown(paths.dir),
    manifest: paths.manifest,
    shownManifest: shown(paths.manifest),
    verificationRecord: paths.verificationRecord,
    shownVerificationRecord: shown(paths.verificationRecord),
  };
}

/** Reads the manifest, refusing one with a line it cannot trust (`segment_manifest_invalid`). */
export async function trustedSegmentManifest(files: RunLogFiles): Promise<SegmentManifest> {
  const manifest = await readSegmentManifest(files.manifest, files.shownManifest);
  const first = manifest.problems[0];
  if (first) {
    throw new JobError(
      'segment_manifest_invalid',
      `segment manifest ${files.shownManifest}:${first.line}: ${first.problem}${manifest.problems.length > 1 ? ` (and ${manifest.problems.length - 1} more line(s))` : ''}`,
      { file: files.shownManifest, line: first.line, problems: manifest.problems.slice(0, 20) },
    );
  }
  return manifest;
}

/** Checks a sealed segment before anything takes it (containment, regular file, SHA-256); a failed check throws its code. */
async function trustedSegment(files: RunLogFiles, segment: SealedSegment) {
  const checked = await checkSegment(files.segmentDir, files.shownSegmentDir, segment);
  if (!checked.ok) throw new JobError(checked.code, checked.message, { file: checked.shown });
  return checked;
}

async function readTrustedSegment(
  checked: Awaited<ReturnType<typeof trustedSegment>>,
  segment: SealedSegment,
  onLine: (line: FileLine) => void,
): Promise<number> {
  try {
    return await forEachSegmentLine(checked, segment, onLine);
  } catch (error) {
    if (error instanceof JobError) throw error;
    throw new JobError('segment_unreadable', (error as Error).message, { file: checked.shown });
  }
}

/** Reads one sealed segment's lines after checking it (containment, regular file, SHA-256); a failed check throws its code. */
export async function readSealedSegment(
  files: RunLogFiles,
  segment: SealedSegment,
  onLine: (line: FileLine) => void,
): Promise<number> {
  return readTrustedSegment(await trustedSegment(files, segment), segment, onLine);
}

export interface RunLogLineSource {
  /** the file as shown: a segment's path, or the open log's */
  shown: string;
  segment: SealedSegment | null;
}

/**
 * Every line of a run log in order: each sealed segment the manifest lists (checked before it
 * is read), then the open log. Readers of "every entry" go through this one function. A reader
 * that has a segment's lines in another form (a digest of them) takes it with `takenElsewhere`,
 * asked in order once the segment has passed its check: true means its lines are counted (as
 * the manifest records them) and not read. Returns the line count, or null when neither a
 * segment nor the open log exists.
 */
export async function forEachRunLogLine(
  files: RunLogFiles,
  onLine: (line: FileLine, source: RunLogLineSource) => void,
  takenElsewhere: (segment: SealedSegment) => Promise<boolean> | boolean = () => false,
): Promise<number | null> {
  const manifest = await trustedSegmentManifest(files);
  let lines = 0;
  for (const segment of manifest.live) {
    const checked = await trustedSegment(files, segment);
    if (await takenElsewhere(segment)) {
      lines += segment.lines;
      continue;
    }
    const source = { shown: checked.shown, segment };
    await readTrustedSegment(checked, segment, (line) => {
      lines += 1;
      onLine(line, source);
    });
  }
  const open = { shown: files.shownLog, segment: null };
  const openLines = await forEachFileLine(
    files.logFile,
    { kind: 'run_log', shown: files.shownLog, what: 'run log' },
    (line) => onLine(line, open),
  );
  if (openLines === null && manifest.live.length === 0) return null;
  return lines + (openLines ?? 0);
}
