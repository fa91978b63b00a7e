import { describe, expect, it } from 'vitest';
import { WORKSPACE_LAYOUT } from '../workspace-layout.js';
import { runLogSegmentPaths, SEGMENT_FILE_PATTERN, segmentFileName } from './segment-paths.js';

describe('runLogSegmentPaths', () => {
  it('puts the default log’s segments where the workspace layout says', () => {
    const paths = runLogSegmentPaths(WORKSPACE_LAYOUT.runLog);
    expect(paths.dir).toBe(WORKSPACE_LAYOUT.runLogSegmentDir);
    expect(paths.manifest).toBe(WORKSPACE_LAYOUT.runLogSegmentManifest);
  });

  it('takes the segments along with a log moved elsewhere, whatever its name', () => {
    expect(runLogSegmentPaths('/srv/logs/runs.log').dir).toBe('/srv/logs/runs');
    expect(runLogSegmentPaths('/srv/logs/runs.jsonl').dir).toBe('/srv/logs/runs.jsonl.segments');
  });

  it('names segments by their sequence range, sorting in sequence order', () => {
    expect(segmentFileName(1, 4096)).toBe('000000000001_000000004096.log.gz');
    expect(SEGMENT_FILE_PATTERN.test(segmentFileName(7, 2 ** 50))).toBe(true);
    expect(SEGMENT_FILE_PATTERN.test('../000000000001_000000000002.log.gz')).toBe(false);
    expect(segmentFileName(999, 1000) < segmentFileName(1001, 1002)).toBe(true);
  });
});
