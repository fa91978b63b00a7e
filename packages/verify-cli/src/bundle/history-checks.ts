import {
  type BundleContentRead,
  describeInvalidReference,
  type HistoryReference,
  MS_PER_DAY,
  readBundleContent,
} from '@obs-automation/core';
import { CheckBuilder, type CheckOutcome } from '../checks/check-outcome.js';
import type { ArchiveManifestScan } from './archive-manifest.js';
import type { BundleManifest } from './bundle-manifest.js';
import { bundlesInWholeDays, type History, newestHistoryRun } from './history-bundles.js';

const MAX_LISTED = 20;

type Shown = (absolute: string) => string;

const summarizedReferences = (history: History) =>
  history.summarized.reduce((total, file) => total + file.references, 0);

function where(reference: HistoryReference, shown: Shown): string {
  return `${shown(reference.file)}:${reference.line}`;
}

/** `history_sequence`: the manifest's sequence is not below any kept bundle's or reference's. */
export function sequenceCheck(manifest: BundleManifest, history: History, shown: Shown): CheckOutcome {
  const check = new CheckBuilder('history_sequence');
  const ahead = [
    ...history.bundles
      .filter((entry) => entry.manifest && entry.manifest.sequence > manifest.sequence)
      .map((entry) => ({
        sequence: entry.manifest?.sequence,
        what: `history bundle ${shown(entry.folder)}`,
      })),
    ...history.references.references
      .filter((reference) => reference.sequence > manifest.sequence)
      .map((reference) => ({
        sequence: reference.sequence,
        what: `history reference ${reference.job_id} (${where(reference, shown)})`,
      })),
  ];
  for (const item of ahead.slice(0, MAX_LISTED)) {
    check.fail(
      'sequence_regressed',
      `manifest sequence ${manifest.sequence} is below ${item.sequence} of ${item.what}`,
    );
  }
  let highest = 0;
  for (const entry of history.bundles) highest = Math.max(highest, entry.manifest?.sequence ?? 0);
  for (const reference of history.references.references) highest = Math.max(highest, reference.sequence);
  for (const recorded of [...history.summarized, ...history.bundleDays])
    highest = Math.max(highest, recorded.max_sequence);
  return check.done({
    sequence: manifest.sequence,
    highest_history_sequence: highest,
    bundles_ahead: ahead.length,
  });
}

/**
 * `history_retention`: nothing older than the retention remains unrecorded in the archive
 * manifest — no reference, and no kept bundle that no reference within the retention names (the
 * newest run is exempt); every bundle has a usable manifest and every reference line is valid.
 */
export function retentionCheck(
  history: History,
  archive: ArchiveManifestScan | null,
  retentionDays: number,
  now: Date,
  shown: Shown,
): CheckOutcome {
  const check = new CheckBuilder('history_retention');
  const cutoff = now.getTime() - retentionDays * MS_PER_DAY;
  const newest = newestHistoryRun(history);
  const expired = (run: { generated_at: string; sequence: number }) =>
    run !== newest && Date.parse(run.generated_at) < cutoff;
  const { references, invalid } = history.references;
  const referenced = new Set([
    ...references.filter((item) => !expired(item)).map((item) => item.bundle),
    ...history.summarized.flatMap((file) => file.bundles.map((pair) => pair.bundle)),
  ]);
  const unrecorded = (jobId: string) => !archive?.recordedJobIds.has(jobId);
  const overdue = [
    ...history.bundles.flatMap((entry) =>
      entry.manifest &&
      expired(entry.manifest) &&
      !referenced.has(entry.manifest.job_id) &&
      unrecorded(entry.manifest.job_id)
        ? [`history bundle ${shown(entry.folder)} (generated ${entry.manifest.generated_at})`]
        : [],
    ),
    ...references.flatMap((reference) =>
      expired(reference) && unrecorded(reference.job_id)
        ? [
            `history reference ${reference.job_id} (${where(reference, shown)}, generated ${reference.generated_at})`,
          ]
        : [],
    ),
  ];
  for (const item of overdue.slice(0, MAX_LISTED)) {
    check.fail(
      'retention_violation',
      `${item} is older than ${retentionDays} days and not recorded in the archive manifest`,
    );
  }
  const broken = [
    ...history.bundles
      .filter((entry) => entry.problem)
      .map((entry) => `history bundle ${shown(entry.folder)}: ${entry.problem}`),
    ...invalid.map((line) => `history reference ${describeInvalidReference(line, shown)}`),
  ];
  for (const item of broken.slice(0, MAX_LISTED)) check.fail('history_bundle_invalid', item);
  return check.done({
    retention_days: retentionDays,
    bundles: history.bundles.length + bundlesInWholeDays(history),
    references: references.length + summarizedReferences(history),
    overdue: overdue.length,
    invalid: broken.length,
  });
}

/** The content of kept bundles, each read (and checked against its manifest) once per run. */
export class KeptBundleContents {
  private readonly reads = new Map<string, Promise<BundleContentRead>>();

  constructor(
    private readonly manifestName: string,
    private readonly shown: Shown,
  ) {}

  of(folder: string): Promise<BundleContentRead> {
    let read = this.reads.get(folder);
    if (!read) {
      read = readBundleContent(folder, this.manifestName, this.shown(folder));
      this.reads.set(folder, read);
    }
    return read;
  }

  get count(): number {
    return this.reads.size;
  }
}

/**
 * `history_references`: every reference the archive manifest does not record as deleted names a
 * kept bundle of the history whose datasets still match their checksums and have the content the
 * reference recorded — so the bundle of every such job id can be restored from that folder. Day
 * files taken from the verification record passed this on reading (see IncrementalRead.usableFile).
 */
export async function referencesCheck(
  history: History,
  archive: ArchiveManifestScan | null,
  contents: KeptBundleContents,
  shown: Shown,
): Promise<CheckOutcome> {
  const check = new CheckBuilder('history_references');
  const live = history.references.references.filter(
    (reference) => !archive?.recordedJobIds.has(reference.job_id),
  );
  const failures: { code: string; message: string }[] = [];
  for (const reference of live) {
    const folder = history.folders.get(reference.bundle);
    // Only for a failure: shown paths cost more than the check itself over thousands of references.
    const named = () => `history reference ${reference.job_id} (${where(reference, shown)})`;
    if (!folder) {
      failures.push({
        code: 'history_reference_broken',
        message: `${named()} names bundle ${reference.bundle}, which is not in the history`,
      });
      continue;
    }
    const content = await contents.of(folder);
    if (content.kind === 'refused') {
      failures.push({ code: content.code, message: `${named()}: ${content.message}` });
    } else if (content.contentSha256 !== reference.content_sha256) {
      failures.push({
        code: 'checksum_mismatch',
        message: `${named()}: the datasets of ${shown(folder)} have content SHA-256 ${content.contentSha256}, the reference records ${reference.content_sha256}`,
      });
    }
  }
  for (const failure of failures.slice(0, MAX_LISTED)) check.fail(failure.code, failure.message);
  return check.done({
    references: live.length + summarizedReferences(history),
    bundles_named: contents.count,
    broken: failures.length,
  });
}
