import { errorMessageOf, faultPoint, JobError, quoteUntrusted } from '@obs-automation/core';
import {
  type ArchiveManifest,
  type ArchiveManifestEntry,
  appendArchiveManifestEntry,
  appendedArchive,
  appendToArchive,
  archiveFileOf,
  cumulativeFigures,
  currentArchives,
  dayArchivePath,
  isDayArchive,
  type LatencyFile,
  type ManifestRecord,
  openChunks,
  planArchiveAppend,
  readArchiveSamples,
  TempFileWriter,
} from '@obs-automation/latency-store';
import { entryPathOf, lastLineFor } from '../archive/rotation.js';
import {
  type CompactionFiles,
  clearCompactionJournal,
  compactionJournalPath,
  deleteFoldedArchives,
  writeCompactionJournal,
} from './compaction-journal.js';

/** The per-run archives rotated on one UTC day, to fold into that day's archive. */
export interface DayGroup {
  day: string;
  /** the day archive, absolute */
  dayPath: string;
  sources: ManifestRecord[];
}

/** Per-run archives the manifest counts, grouped by the UTC day they were rotated on, oldest first. */
export function perRunArchivesByDay(manifest: ArchiveManifest, archiveDir: string): DayGroup[] {
  const groups = new Map<string, DayGroup>();
  for (const entry of currentArchives(manifest)) {
    if (isDayArchive(entry.path)) continue;
    const rotatedAt = new Date(entry.rotated_at);
    const day = rotatedAt.toISOString().slice(0, 10);
    const group = groups.get(day) ?? { day, dayPath: dayArchivePath(archiveDir, rotatedAt), sources: [] };
    group.sources.push(entry);
    groups.set(day, group);
  }
  return [...groups.values()].sort((a, b) => a.day.localeCompare(b.day));
}

/** A per-run archive checked against its manifest line: its header and where its bytes are. */
interface CheckedSource {
  entry: ManifestRecord;
  file: LatencyFile;
  header: string;
}

export interface SkippedArchive {
  path: string;
  reason: string;
}

export interface DayOutcome {
  day: string;
  archive: string;
  folded: string[];
  samples: number;
  skipped: SkippedArchive[];
}

/** Streams the archive's rows (as stored, after its header line) — and its header — from its gzip members. */
async function copyRows(file: LatencyFile, bytes: number | undefined, onRows: (chunk: Buffer) => void) {
  const chunks = await openChunks(file, { gzip: true, ...(bytes !== undefined && { bytes }) });
  let header: Buffer | null = null;
  let pending = Buffer.alloc(0);
  for await (const chunk of chunks ?? []) {
    if (header) {
      onRows(chunk as Buffer);
      continue;
    }
    pending = Buffer.concat([pending, chunk as Buffer]);
    const end = pending.indexOf(0x0a);
    if (end < 0) continue;
    header = pending.subarray(0, end + 1);
    onRows(pending.subarray(end + 1));
  }
  return header?.toString('utf8') ?? '';
}

/**
 * Checks a per-run archive before it is folded: its bytes are those of its manifest line, every
 * row reads as a sample and there are exactly `row_count` of them. Anything else is skipped (left
 * as it is, and reported): compaction never moves rows it cannot account for.
 */
async function checkSource(
  root: string,
  manifestLabel: string,
  entry: ManifestRecord,
): Promise<CheckedSource | SkippedArchive> {
  try {
    const file = await archiveFileOf(root, entry.path, manifestLabel);
    const read = await readArchiveSamples(file, entry, { wants: () => false, onSample: () => undefined });
    if (read.rejected > 0 || read.samples !== entry.row_count) {
      return {
        path: entry.path,
        reason: `holds ${read.samples} samples and ${read.rejected} unreadable rows; its manifest line says ${entry.row_count}`,
      };
    }
    const header = await copyRows(file, entry.bytes, () => undefined);
    return { entry, file, header };
  } catch (error) {
    return { path: entry.path, reason: errorMessageOf(error) };
  }
}

export interface CompactionStep extends CompactionFiles {
  jobId: string;
  now: Date;
  manifest: ArchiveManifest;
  manifestLabel: string;
  /** the folded rows' gzip member is written beside this placeholder */
  tempTarget: string;
  shown: (absolute: string) => string;
  dryRun: boolean;
}

/**
 * Folds one day's per-run archives into the day archive, in the order that never loses or
 * doubles a sample: their rows go to one gzip member (a temporary file), a journal records the
 * step, the member is appended to the day archive, one manifest line records the day archive's
 * new bytes and `replaces` the folded archives (from it on, readers count their rows there
 * only), their deletion lines are appended, and only then are the files removed.
 */
export async function compactDay(group: DayGroup, step: CompactionStep): Promise<DayOutcome> {
  const dayEntryPath = entryPathOf(step.root, group.dayPath);
  const outcome: DayOutcome = { day: group.day, archive: dayEntryPath, folded: [], samples: 0, skipped: [] };
  const current = lastLineFor(step.manifest, dayEntryPath);
  const checked: CheckedSource[] = [];
  for (const entry of group.sources) {
    const source = await checkSource(step.root, step.manifestLabel, entry);
    if ('reason' in source) outcome.skipped.push(source);
    else checked.push(source);
  }
  const header = checked[0]?.header;
  const dayFile = { path: group.dayPath, label: step.shown(group.dayPath) };
  if (header === undefined) return outcome;
  const sameHeader = checked.filter((source) => source.header === header);
  for (const source of checked) {
    if (source.header !== header)
      outcome.skipped.push({
        path: source.entry.path,
        reason: 'another CSV header than the day’s other archives',
      });
  }
  const plan = await planArchiveAppend(dayFile, current, header);
  if (typeof plan === 'string') {
    outcome.skipped.push(...sameHeader.map((source) => ({ path: source.entry.path, reason: plan })));
    return outcome;
  }
  const rows = sameHeader.reduce((sum, source) => sum + source.entry.row_count, 0);
  outcome.folded = sameHeader.map((source) => source.entry.path);
  outcome.samples = rows;
  if (step.dryRun) return outcome;

  const member = TempFileWriter.open(step.tempTarget, { gzip: true });
  try {
    for (const source of sameHeader) {
      await copyRows(source.file, source.entry.bytes, (chunk) => member.write(chunk));
      await member.drain();
    }
    await member.close();
    const after = await appendedArchive(plan, member.tempPath);
    const journal = {
      job_id: step.jobId,
      day_path: dayEntryPath,
      day_bytes_before: plan.bytesBefore,
      day_sha256: after.sha256,
      folded: sameHeader.map(({ entry }) => ({
        path: entry.path,
        sha256: entry.sha256,
        row_count: entry.row_count,
      })),
      compacted_at: step.now.toISOString(),
    };
    await writeCompactionJournal(step.archiveDir, journal);
    faultPoint('compaction:after-journal');
    await appendToArchive(plan, member.tempPath, () => faultPoint('compaction:mid-append'));
    faultPoint('compaction:after-append');
    const line: ArchiveManifestEntry = {
      job_id: step.jobId,
      path: dayEntryPath,
      sha256: after.sha256,
      bytes: after.bytes,
      ...cumulativeFigures(plan.current, {
        rows,
        firstMs: Math.min(...sameHeader.map(({ entry }) => entry.firstMs)),
        lastMs: Math.max(...sameHeader.map(({ entry }) => entry.lastMs)),
      }),
      reason: 'compaction',
      replaces: outcome.folded,
      rotated_at: step.now.toISOString(),
    };
    await appendArchiveManifestEntry(step.manifestPath, line);
    faultPoint('compaction:after-manifest-line');
    await deleteFoldedArchives(
      step,
      journal,
      step.manifest,
      step.shown(compactionJournalPath(step.archiveDir)),
    );
    await clearCompactionJournal(step.archiveDir);
    return outcome;
  } catch (error) {
    if (error instanceof JobError) throw error;
    throw new JobError(
      'archive_failed',
      `cannot fold ${sameHeader.length} archive(s) into ${quoteUntrusted(dayEntryPath)}: ${errorMessageOf(error)}; the next run finishes or undoes the step`,
      { file: dayEntryPath },
    );
  } finally {
    await member.discard();
  }
}
