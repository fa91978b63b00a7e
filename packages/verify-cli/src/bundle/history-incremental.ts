import { basename } from 'node:path';
import {
  errorMessageOf,
  type HistoryReference,
  type HistoryRun,
  isNewerRun,
  MS_PER_DAY,
} from '@obs-automation/core';
import {
  bundleDayOf,
  bundlesInWholeDays,
  type FileDigest,
  type History,
  type HistoryBundleRun,
  type IncrementalRead,
  namesSha256,
} from './history-bundles.js';
import type { KeptBundleContents } from './history-checks.js';
import {
  type HistoryRecord,
  type RecordedBundleDay,
  type RecordedReferenceFile,
  type ReferencedContent,
  RUN_SEPARATOR,
  recordedRunItem,
  writeHistoryRecord,
} from './history-record.js';

/** How the history was read with the verification record. */
export interface HistoryRecordUse {
  record: string;
  /** `full` with --full, without a usable record, or once a week (FULL_READ_EVERY_DAYS) */
  mode: 'incremental' | 'full';
  /** when a night last read the whole history (now, after a full read) */
  last_full_read_at: string;
  bundles_from_record: number;
  bundles_read: number;
  reference_files_from_record: number;
  reference_files_read: number;
  /** why the record could not be used or written; absent when it could */
  problem?: string;
}

/**
 * Kept bundles are never rewritten, so a night does not read again the manifests it has
 * verified; once a week it reads the whole history anyway, so a change in place is found within
 * a week without anyone running --full.
 */
export const FULL_READ_EVERY_DAYS = 7;

/** The record to read the history with: none for a full read (asked for, never done, due, or dated ahead of now). */
export function recordToUse(stored: HistoryRecord | null, now: Date): HistoryRecord | null {
  const last = stored?.fullReadAt ? Date.parse(stored.fullReadAt) : null;
  if (last === null || last > now.getTime()) return null;
  return now.getTime() - last < FULL_READ_EVERY_DAYS * MS_PER_DAY ? stored : null;
}

export interface UsableSummaryRules {
  /** the current manifest's sequence; null when it cannot be read (the sequence check is skipped) */
  sequence: number | null;
  /** references generated before this (ms) are past the retention */
  cutoffMs: number;
  contents: KeptBundleContents;
}

/**
 * Reading with the record. A day of bundles or a references day file is taken from it as a whole
 * only when every check would pass all of it — no sequence above the current manifest's, nothing
 * past the retention, every bundle a reference names kept with the recorded content (re-hashed
 * each night, as for a line read) — so a failure is always judged, and reported, one by one.
 */
export function incrementalRead(record: HistoryRecord, rules: UsableSummaryRules): IncrementalRead {
  const passes = (recorded: { max_sequence: number; oldest_generated_at: string }) =>
    (rules.sequence === null || recorded.max_sequence <= rules.sequence) &&
    Date.parse(recorded.oldest_generated_at) >= rules.cutoffMs;
  return {
    record,
    usableDay: passes,
    usableFile: async (summary, folders) => {
      if (!passes(summary)) return false;
      for (const pair of summary.bundles) {
        const folder = folders.get(pair.bundle);
        if (!folder) return false;
        const content = await rules.contents.of(folder);
        if (content.kind !== 'ok' || content.contentSha256 !== pair.content_sha256) return false;
      }
      return true;
    },
  };
}

/** The newest run, the oldest time and the highest sequence of runs (at least one). */
function runSpan(runs: readonly HistoryRun[]) {
  const first = runs[0] as HistoryRun;
  let newest = first;
  let oldest = first.generated_at;
  let maxSequence = first.sequence;
  for (const run of runs) {
    if (isNewerRun(run, newest)) newest = run;
    if (Date.parse(run.generated_at) < Date.parse(oldest)) oldest = run.generated_at;
    maxSequence = Math.max(maxSequence, run.sequence);
  }
  return {
    max_sequence: maxSequence,
    newest: { generated_at: newest.generated_at, sequence: newest.sequence },
    oldest_generated_at: oldest,
  };
}

function referenceFileSummary(
  references: readonly HistoryReference[],
  digest: FileDigest,
  now: Date,
): RecordedReferenceFile {
  const pairs = new Map<string, ReferencedContent>();
  for (const { bundle, content_sha256 } of references)
    pairs.set(`${bundle} ${content_sha256}`, { bundle, content_sha256 });
  return {
    file: basename((references[0] as HistoryReference).file),
    ...digest,
    references: references.length,
    ...runSpan(references),
    bundles: [...pairs.values()],
    verified_at: now.toISOString(),
  };
}

function bundleDay(day: string, runs: readonly [string, HistoryBundleRun][], now: Date): RecordedBundleDay {
  const names = runs.map(([name]) => name);
  return {
    day,
    folders: runs.length,
    names_sha256: namesSha256(names),
    ...runSpan(runs.map(([, run]) => run)),
    bundles: runs.map(([name, run]) => recordedRunItem(name, run)).join(RUN_SEPARATOR),
    verified_at: now.toISOString(),
  };
}

/** The days of bundles to record: those taken whole, and every other day's bundles with a valid manifest. */
function bundleDays(history: History, now: Date): RecordedBundleDay[] {
  const byDay = new Map<string, [string, HistoryBundleRun][]>();
  for (const entry of history.bundles) {
    const name = basename(entry.folder);
    const day = bundleDayOf(name);
    if (!entry.manifest || day === null) continue;
    const runs = byDay.get(day) ?? [];
    runs.push([name, entry.manifest]);
    byDay.set(day, runs);
  }
  const read = [...byDay].map(([day, runs]) => bundleDay(day, runs, now));
  return [...history.bundleDays, ...read].sort((left, right) => (left.day < right.day ? -1 : 1));
}

/**
 * What this run can vouch for next time: every bundle whose manifest is valid (by day), and every
 * day file of valid lines with its digest. Only facts of the files are recorded; every check is
 * judged again each night from them, so a recorded bundle past the retention still fails.
 */
export function historyRecordOf(
  history: History,
  now: Date,
): { bundleDays: RecordedBundleDay[]; referenceFiles: RecordedReferenceFile[] } {
  const withInvalidLines = new Set(history.references.invalid.map((line) => line.file));
  const byFile = new Map<string, HistoryReference[]>();
  for (const reference of history.references.references) {
    const list = byFile.get(reference.file) ?? [];
    list.push(reference);
    byFile.set(reference.file, list);
  }
  const read = [...byFile].flatMap(([file, references]) => {
    const digest = history.digests.get(file);
    return digest && !withInvalidLines.has(file) ? [referenceFileSummary(references, digest, now)] : [];
  });
  const referenceFiles = [...history.summarized, ...read].sort((left, right) =>
    left.file < right.file ? -1 : 1,
  );
  return { bundleDays: bundleDays(history, now), referenceFiles };
}

/** Records what this run verified of the history; a record that cannot be written only costs a full read next time. */
export async function keepHistoryRecord(
  path: string,
  shownPath: string,
  history: History,
  record: { stored: HistoryRecord | null; used: HistoryRecord | null },
  now: Date,
): Promise<{ use: HistoryRecordUse; written: string[] }> {
  const { stored, used } = record;
  const fullReadAt = used?.fullReadAt ?? now.toISOString();
  const fromRecord = history.bundles.filter((entry) => entry.fromRecord).length + bundlesInWholeDays(history);
  const use: HistoryRecordUse = {
    record: shownPath,
    mode: used ? 'incremental' : 'full',
    last_full_read_at: fullReadAt,
    bundles_from_record: fromRecord,
    bundles_read: history.bundles.filter((entry) => !entry.fromRecord).length,
    reference_files_from_record: history.summarized.length,
    reference_files_read: history.references.files.length,
    ...(stored?.problem ? { problem: stored.problem } : {}),
  };
  try {
    await writeHistoryRecord(path, { ...historyRecordOf(history, now), fullReadAt }, now);
    return { use, written: [shownPath] };
  } catch (error) {
    return {
      use: {
        ...use,
        problem: [use.problem, `${shownPath} could not be written: ${errorMessageOf(error)}`]
          .filter((problem) => problem !== undefined)
          .join('; '),
      },
      written: [],
    };
  }
}
