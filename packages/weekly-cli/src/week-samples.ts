import { DIAGNOSTIC_LINES_SHOWN, type InputFile, type PathResolver } from '@obs-automation/core';
import {
  archiveFileOf,
  currentArchives,
  type LatencyFile,
  LatencyFileError,
  type LatencySample,
  type ManifestRecord,
  type RejectedRow,
  readArchiveManifest,
  readArchiveSamples,
  readLatencySamples,
  type SampleVisitor,
} from '@obs-automation/latency-store';
import { mergeSampleFiles } from './sample-merge.js';
import type { WeekWindow } from './week-window.js';

/** One latency sample of the week, with the identity used to recognise the same row in two files. */
export interface WeekSample {
  at: number;
  latencyMs: number;
  identity: string;
}

/** Rows the weekly figures cannot use: exactly the rows obs-latency moves to its rejects file. */
export interface SkippedRows {
  file: string;
  count: number;
  /** the first few of them */
  lines: number[];
}

export interface UnusableArchive {
  file: string;
  reason: string;
}

export function asLatencyFile(input: InputFile): LatencyFile {
  return { path: input.path, label: input.relative };
}

/** Keeps one file's samples of the week; failures count as samples, as they do in the rollups. */
class WeekFileSamples implements SampleVisitor {
  readonly samples: WeekSample[] = [];
  readonly skipped: SkippedRows;

  constructor(
    file: string,
    private readonly week: WeekWindow,
  ) {
    this.skipped = { file, count: 0, lines: [] };
  }

  wants(timestampMs: number): boolean {
    return timestampMs >= this.week.start.getTime() && timestampMs < this.week.end.getTime();
  }

  onSample(sample: LatencySample): void {
    const identity = [sample.timestampMs, sample.source, sample.latencyMs, sample.status, sample.detail].join(
      '\u0000',
    );
    this.samples.push({ at: sample.timestampMs, latencyMs: sample.latencyMs, identity });
  }

  onReject(rejected: RejectedRow): void {
    this.skipped.count += 1;
    if (this.skipped.lines.length < DIAGNOSTIC_LINES_SHOWN) this.skipped.lines.push(rejected.line);
  }
}

function overlapsWeek(entry: ManifestRecord, week: WeekWindow): boolean {
  return entry.lastMs >= week.start.getTime() && entry.firstMs < week.end.getTime();
}

/**
 * Every latency sample of the week, from the raw file and the archives whose time range overlaps
 * the week, read with obs-latency's own rule for which rows count. A missing raw file or
 * manifest means nothing was written or archived yet. Manifest lines that cannot be used, rows
 * that do not count, and archives that are missing or altered are reported in `diagnostics` and
 * left out; the figures then fall back to the rollups rather than rest on part of a file.
 */
export async function readWeekSamples(
  paths: PathResolver & { root: string },
  week: WeekWindow,
  files: { latency_raw: InputFile; archive_manifest: InputFile },
  sources: Record<string, string>,
  diagnostics: Record<string, unknown>,
): Promise<WeekSample[]> {
  const perFile: WeekSample[][] = [];
  const skipped: SkippedRows[] = [];
  const raw = new WeekFileSamples(files.latency_raw.relative, week);
  if (await readLatencySamples(asLatencyFile(files.latency_raw), raw)) {
    sources.latency_raw = files.latency_raw.relative;
    perFile.push(raw.samples);
    skipped.push(raw.skipped);
  }
  const manifest = await readArchiveManifest(asLatencyFile(files.archive_manifest));
  const archives = currentArchives(manifest).filter((entry) => overlapsWeek(entry, week));
  if (archives.length > 0) sources.archive_manifest = files.archive_manifest.relative;
  if (manifest.issues.length > 0) {
    diagnostics.archive_manifest_issues = {
      file: files.archive_manifest.relative,
      count: manifest.issues.length,
      lines: manifest.issues.slice(0, DIAGNOSTIC_LINES_SHOWN),
    };
  }
  const unusable: UnusableArchive[] = [];
  for (const entry of archives) {
    let read: WeekFileSamples;
    try {
      const archive = await archiveFileOf(paths.root, entry.path, files.archive_manifest.relative);
      read = new WeekFileSamples(archive.label, week);
      await readArchiveSamples(archive, entry, read);
    } catch (error) {
      if (!(error instanceof LatencyFileError)) throw error;
      unusable.push({ file: error.location.file, reason: error.problem });
      continue;
    }
    perFile.push(read.samples);
    skipped.push(read.skipped);
  }
  const unusableRows = skipped.filter((entry) => entry.count > 0);
  if (unusableRows.length > 0) diagnostics.latency_rows_skipped = unusableRows;
  if (unusable.length > 0) diagnostics.latency_archives_unusable = unusable;
  return mergeSampleFiles(perFile);
}
