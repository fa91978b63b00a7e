import { basename, dirname, join } from 'node:path';
import { readBundleContent, readJsonFile, readReferenceFile } from '@obs-automation/core';
import { datasetRecordsOf, verifyDatasetManifest } from './dataset-manifest-artefact.js';
import type { ListedPath, TraceContext } from './trace-context.js';

const BUNDLE_MANIFEST = 'manifest.json';

/**
 * The kept bundle a reference names: its datasets re-hashed against its manifest, and their
 * content compared with the one the reference recorded.
 */
async function verifyKeptBundle(
  context: TraceContext,
  folder: ListedPath,
  expectedContent: string,
  recordedIn: string,
): Promise<void> {
  const shown = context.display(folder.lexical);
  const manifest: ListedPath = {
    real: join(folder.real, BUNDLE_MANIFEST),
    lexical: join(folder.lexical, BUNDLE_MANIFEST),
    exists: true,
  };
  const read = await readJsonFile(manifest.real, {
    kind: 'manifest',
    shown: `${shown}/${BUNDLE_MANIFEST}`,
    what: 'manifest',
  });
  const datasets = read.kind === 'ok' ? datasetRecordsOf(read.value) : null;
  if (read.kind !== 'ok' || !datasets) {
    context.fail(
      'history_reference_broken',
      `kept bundle ${shown} (named in ${recordedIn}) has no usable ${BUNDLE_MANIFEST}`,
    );
    return;
  }
  const keptJobId = String((read.value as Record<string, unknown>).job_id);
  await verifyDatasetManifest(context, manifest, read.value as Record<string, unknown>, datasets, keptJobId);
  const content = await readBundleContent(folder.real, BUNDLE_MANIFEST, shown);
  if (content.kind === 'refused') return; // each dataset's problem is reported above
  if (content.contentSha256 === expectedContent) {
    context.note({
      path: shown,
      kind: 'dashboard_reference',
      result: 'verified',
      note: `same datasets as recorded in ${recordedIn}`,
    });
    return;
  }
  context.fail(
    'checksum_mismatch',
    `${shown}: datasets with content SHA-256 ${content.contentSha256}, ${recordedIn} records ${expectedContent}`,
  );
  context.note({
    path: shown,
    kind: 'dashboard_reference',
    result: 'mismatch',
    note: `recorded in ${recordedIn}`,
  });
}

/**
 * A references day file a dashboard run lists: the run's reference in it names a kept bundle of
 * the same history (`<history-dir>/<bundle>/`, contained in the root), whose datasets must match
 * their checksums and the content the reference recorded. A reference retention removed is fine
 * when the archive manifest records its deletion.
 */
export async function verifyHistoryReference(
  context: TraceContext,
  file: ListedPath,
  ownerJobId: string,
): Promise<void> {
  const shown = context.display(file.lexical);
  const read = await readReferenceFile(file.real, shown);
  const reference = read.references.find((item) => item.job_id === ownerJobId);
  if (!reference) {
    const deletion = context.deletionOfJob(ownerJobId);
    if (deletion) {
      context.note({
        path: shown,
        kind: 'dashboard_reference',
        result: 'deleted_by_retention',
        note: `recorded in ${deletion.recordedIn}${deletion.deletedAt ? ` at ${deletion.deletedAt}` : ''}`,
      });
    } else context.fail('artefact_missing', `${shown} holds no reference for ${ownerJobId}`);
    return;
  }
  const recordedIn = `${shown}:${reference.line}`;
  const folder = await context.listed(join(dirname(dirname(file.lexical)), reference.bundle), {
    what: 'kept bundle',
    source: recordedIn,
    type: 'folder',
  });
  if (!folder) return;
  if (!folder.exists) {
    context.missing(folder.lexical, 'dashboard_reference', recordedIn);
    return;
  }
  if (basename(folder.real) !== reference.bundle) {
    context.fail('path_not_allowed', `kept bundle ${reference.bundle} (named in ${recordedIn}) is a link`);
    return;
  }
  await verifyKeptBundle(context, folder, reference.content_sha256, recordedIn);
}
