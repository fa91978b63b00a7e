import { join } from 'node:path';
import {
  JobError,
  parseJsonBounded,
  type RunLogFiles,
  readBoundedFile,
  readSealedSegment,
  resolveContainedPath,
  SEGMENT_KPI_DIGEST_PATTERN,
  type SealedSegment,
  segmentKpiDigestName,
  writeFileAtomic,
} from '@obs-automation/core';
import { runLogItem } from './run-log-entries.js';
import {
  DigestRefused,
  type SegmentKpiDigest,
  SegmentKpiDigestBuilder,
  segmentKpiDigestJson,
  segmentKpiDigestOf,
} from './segment-kpi-digest.js';

export type DigestRead =
  | { digest: SegmentKpiDigest; shown: string }
  | {
      digest: null;
      shown: string /** why one that exists cannot be used; null when there is none */;
      problem: string | null;
    };

/**
 * A sealed segment's KPI digest, beside it. Only a digest of the segment as its manifest line
 * records it is used: a digest that is missing, a link, too large, not JSON, of another format,
 * of another segment or with figures that do not add up is not, and the segment is read instead.
 */
export async function readSegmentKpiDigest(files: RunLogFiles, segment: SealedSegment): Promise<DigestRead> {
  const name = segmentKpiDigestName(segment.file);
  const shown = `${files.shownSegmentDir}/${name}`;
  try {
    const path = await resolveContainedPath(files.segmentDir, name, {
      code: 'invalid_input',
      what: 'KPI digest',
      allowed: SEGMENT_KPI_DIGEST_PATTERN,
      mayBeMissing: true,
    });
    const bytes = path.exists
      ? await readBoundedFile(path.absolute, { kind: 'kpi_digest', shown, followSymlinks: false })
      : null;
    if (bytes === null) return { digest: null, shown, problem: null };
    const digest = segmentKpiDigestOf(
      parseJsonBounded(bytes, { what: 'KPI digest', file: shown }),
      segment,
      `${files.shownSegmentDir}/${segment.file}`,
    );
    return { digest, shown };
  } catch (error) {
    if (error instanceof DigestRefused) return { digest: null, shown, problem: `${shown}: ${error.message}` };
    if (error instanceof JobError) return { digest: null, shown, problem: error.message };
    throw error;
  }
}

/** Reads a sealed segment (checked against its manifest line) and writes its KPI digest beside it. */
export async function writeSegmentKpiDigest(files: RunLogFiles, segment: SealedSegment): Promise<string> {
  const name = segmentKpiDigestName(segment.file);
  const builder = new SegmentKpiDigestBuilder(segment);
  const shownSegment = `${files.shownSegmentDir}/${segment.file}`;
  await readSealedSegment(files, segment, (line) => builder.add(runLogItem(line, shownSegment)));
  await writeFileAtomic(
    join(files.segmentDir, name),
    `${JSON.stringify(segmentKpiDigestJson(builder.result()))}\n`,
  );
  return `${files.shownSegmentDir}/${name}`;
}
