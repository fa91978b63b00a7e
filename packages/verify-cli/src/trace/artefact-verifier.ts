import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { HISTORY_REFERENCES_FOLDER, readJsonFile } from '@obs-automation/core';
import { verifyChecksumManifest } from './checksum-manifest-artefact.js';
import { verifyHistoryReference } from './dashboard-reference-artefact.js';
import { datasetRecordsOf, verifyDatasetManifest } from './dataset-manifest-artefact.js';
import { verifyLatencyArchiveManifest } from './latency-archive-artefact.js';
import type { ListedPath, TraceContext } from './trace-context.js';
import { hasPayloadChecksum, verifyWeeklyPayload } from './weekly-payload-artefact.js';

const BUNDLE_MANIFEST = 'manifest.json';

/** A JSON artefact with a checksum on record inside it: a dashboard manifest or a weekly payload. */
async function verifyJsonArtefact(
  context: TraceContext,
  file: ListedPath,
  ownerJobId: string,
): Promise<void> {
  const shown = context.display(file.lexical);
  const read = await readJsonFile(file.real, { kind: 'json_artefact', shown, what: 'artefact' });
  if (read.kind === 'missing') return;
  if (read.kind === 'invalid') {
    context.fail('invalid_input', `${shown}: ${read.reason}`);
    return;
  }
  const datasets = datasetRecordsOf(read.value);
  if (datasets) {
    await verifyDatasetManifest(context, file, read.value as Record<string, unknown>, datasets, ownerJobId);
  } else if (hasPayloadChecksum(read.value)) {
    await verifyWeeklyPayload(context, file, read.value);
  }
}

/** A history bundle folder: the manifest inside it, when it has one. */
async function verifyBundleFolder(
  context: TraceContext,
  folder: ListedPath,
  ownerJobId: string,
): Promise<void> {
  const manifest: ListedPath = {
    real: join(folder.real, BUNDLE_MANIFEST),
    lexical: join(folder.lexical, BUNDLE_MANIFEST),
    exists: true,
  };
  const isFile = await stat(manifest.real).then(
    (info) => info.isFile(),
    () => false,
  );
  if (isFile) await verifyJsonArtefact(context, manifest, ownerJobId);
}

/**
 * Checks one artefact a log entry lists: it lies inside the root (a path outside, even through a
 * link, is refused and never opened), it exists, and whatever checksum is on record for it is
 * re-hashed — datasets through their manifest (a history bundle folder through the manifest
 * inside, a history reference through the kept bundle it names), archives through the latency archive manifest, files recorded in a JSON-lines manifest
 * for this job, a weekly payload through its own checksum and signature.
 */
export async function verifyArtefact(
  context: TraceContext,
  artefact: ListedPath,
  ownerJobId: string,
  listedIn: string,
): Promise<void> {
  if (!artefact.exists) {
    context.missing(artefact.lexical, 'artefact', listedIn);
    return;
  }
  if ((await stat(artefact.real)).isDirectory()) {
    await verifyBundleFolder(context, artefact, ownerJobId);
    return;
  }
  if (artefact.lexical.endsWith('.jsonl')) {
    // A latency run's only JSON-lines artefact is its archive manifest, a format of its own.
    if (ownerJobId.endsWith('latency')) await verifyLatencyArchiveManifest(context, artefact, ownerJobId);
    else if (basename(dirname(artefact.lexical)) === HISTORY_REFERENCES_FOLDER)
      await verifyHistoryReference(context, artefact, ownerJobId);
    else await verifyChecksumManifest(context, artefact, ownerJobId);
  } else if (artefact.lexical.endsWith('.json')) await verifyJsonArtefact(context, artefact, ownerJobId);
}
