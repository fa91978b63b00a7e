import { basename } from 'node:path';
import {
  describeInvalidReference,
  type HistoryReference,
  MS_PER_DAY,
  readBundleContent,
} from '@obs-automation/core';
import { CheckBuilder, type CheckOutcome } from '../checks/check-outcome.js';
import type { ArchiveManifestScan } from './archive-manifest.js';
import type { BundleManifest } from './bundle-manifest.js';
import { type History, type HistoryEntry, newestHistoryRun } from './history-bundles.js';

const MAX_LISTED = 20;

type Shown = (absolute: string) => string;

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
  const highest = Math.max(
    0,
    ...history.bundles.map((entry) => entry.manifest?.sequence ?? 0),
    ...history.references.references.map((reference) => reference.sequence),
  );
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
  const referenced = new Set(references.filter((item) => !expired(item)).map((item) => item.bundle));
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
    bundles: history.bundles.length,
    references: references.length,
    overdue: overdue.length,
    invalid: broken.length,
  });
}

/**
 * `history_references`: every reference the archive manifest does not record as deleted names a
 * kept bundle of the history whose datasets still match their checksums and have the content the
 * reference recorded — so the bundle of every such job id can be restored from that folder.
 */
export async function referencesCheck(
  history: History,
  archive: ArchiveManifestScan | null,
  manifestName: string,
  shown: Shown,
): Promise<CheckOutcome> {
  const check = new CheckBuilder('history_references');
  const kept = new Map<string, HistoryEntry>(history.bundles.map((entry) => [basename(entry.folder), entry]));
  const contents = new Map<string, Awaited<ReturnType<typeof readBundleContent>>>();
  const live = history.references.references.filter(
    (reference) => !archive?.recordedJobIds.has(reference.job_id),
  );
  const failures: { code: string; message: string }[] = [];
  for (const reference of live) {
    const bundle = kept.get(reference.bundle);
    // Only for a failure: shown paths cost more than the check itself over thousands of references.
    const named = () => `history reference ${reference.job_id} (${where(reference, shown)})`;
    if (!bundle) {
      failures.push({
        code: 'history_reference_broken',
        message: `${named()} names bundle ${reference.bundle}, which is not in the history`,
      });
      continue;
    }
    if (!contents.has(reference.bundle))
      contents.set(
        reference.bundle,
        await readBundleContent(bundle.folder, manifestName, shown(bundle.folder)),
      );
    const content = contents.get(reference.bundle);
    if (content?.kind === 'refused') {
      failures.push({ code: content.code, message: `${named()}: ${content.message}` });
    } else if (content && content.contentSha256 !== reference.content_sha256) {
      failures.push({
        code: 'checksum_mismatch',
        message: `${named()}: the datasets of ${shown(bundle.folder)} have content SHA-256 ${content.contentSha256}, the reference records ${reference.content_sha256}`,
      });
    }
  }
  for (const failure of failures.slice(0, MAX_LISTED)) check.fail(failure.code, failure.message);
  return check.done({ references: live.length, bundles_named: contents.size, broken: failures.length });
}
