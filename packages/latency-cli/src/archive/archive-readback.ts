import { quoteUntrusted } from '@obs-automation/core';
import {
  type ArchiveManifest,
  archiveFileOf,
  currentArchives,
  type ManifestRecord,
  readArchiveSamples,
} from '@obs-automation/latency-store';
import type { WindowedSamples } from '../rollup/window-samples.js';

export interface ReadBack {
  archivesRead: number;
  samplesAdded: number;
  issues: string[];
}

/** True when some window in `starts` (sorted) intersects the archive's first_ts..last_ts. */
function overlaps(entry: ManifestRecord, starts: readonly number[], windowMs: number): boolean {
  let low = 0;
  let high = starts.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((starts[middle] as number) + windowMs <= entry.firstMs) low = middle + 1;
    else high = middle;
  }
  const start = starts[low];
  return start !== undefined && start <= entry.lastMs;
}

interface ArchivedSample {
  timestampMs: number;
  latencyMs: number;
  failed: boolean;
}

/**
 * Adds to each window that has raw rows the samples of that window already archived, read back
 * from the current archives (per-run and day archives alike) whose time range overlaps it (late samples, or a window cut by retention),
 * so its rollup row covers all of its samples. An archive that is missing, unreadable, whose
 * bytes differ from its manifest line, or whose path the manifest may not name (outside the
 * root, not an archive path) adds nothing and is an issue to report, not a reason to stop.
 */
export async function addArchivedSamples(
  windows: WindowedSamples,
  manifest: ArchiveManifest,
  source: { root: string; label: string },
): Promise<ReadBack> {
  const result: ReadBack = { archivesRead: 0, samplesAdded: 0, issues: [] };
  const starts = windows.starts();
  if (starts.length === 0) return result;
  for (const entry of currentArchives(manifest)) {
    if (!overlaps(entry, starts, windows.windowMs)) continue;
    const archived: ArchivedSample[] = [];
    try {
      const archive = await archiveFileOf(source.root, entry.path, source.label);
      await readArchiveSamples(archive, entry, {
        wants: (timestampMs) => windows.has(timestampMs),
        onSample: ({ timestampMs, latencyMs, failed }) => archived.push({ timestampMs, latencyMs, failed }),
      });
    } catch (error) {
      result.issues.push(
        `archive ${quoteUntrusted(entry.path)} (${source.label} line ${entry.line}) could not be read back: ${(error as Error).message}`,
      );
      continue;
    }
    for (const sample of archived) windows.add(sample.timestampMs, sample.latencyMs, sample.failed);
    result.samplesAdded += archived.length;
    result.archivesRead += 1;
  }
  return result;
}
