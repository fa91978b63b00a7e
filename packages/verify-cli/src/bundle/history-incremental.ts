import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { type HistoryReference, type HistoryRun, isNewerRun, JOB_ID_PATTERN } from '@obs-automation/core';
import type { History, HistoryBundleRun, IncrementalRead } from './history-bundles.js';
import type { KeptBundleContents } from './history-checks.js';
import {
  type HistoryRecord,
  type RecordedBundleDay,
  type RecordedReferenceFile,
  type ReferencedContent,
  recordedRunLine,
} from './history-record.js';

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
    usable: async (summary, folders) => {
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
  digest: { bytes: number; sha256: string },
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
    names_sha256: createHash('sha256').update(names.join('\n')).digest('hex'),
    ...runSpan(runs.map(([, run]) => run)),
    bundles: runs.map(([name, run]) => recordedRunLine(name, run)).join('\n'),
    verified_at: now.toISOString(),
  };
}

/** The days of bundles to record: those taken whole, and every other day's bundles with a valid manifest. */
function bundleDays(history: History, now: Date): RecordedBundleDay[] {
  const byDay = new Map<string, [string, HistoryBundleRun][]>();
  for (const entry of history.bundles) {
    const name = basename(entry.folder);
    if (!entry.manifest || !JOB_ID_PATTERN.test(name)) continue;
    const day = name.slice(0, 8);
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
