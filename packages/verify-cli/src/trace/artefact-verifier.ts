import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { verifyChecksumManifest } from './checksum-manifest-artefact.js';
import { datasetRecordsOf, verifyDatasetManifest } from './dataset-manifest-artefact.js';
import { readJsonFile } from './json-files.js';
import { verifyLatencyArchiveManifest } from './latency-archive-artefact.js';
import type { TraceContext } from './trace-context.js';
import { hasPayloadChecksum, verifyWeeklyPayload } from './weekly-payload-artefact.js';

const BUNDLE_MANIFEST = 'manifest.json';

async function kindOf(path: string): Promise<'file' | 'directory' | 'missing'> {
  try {
    return (await stat(path)).isDirectory() ? 'directory' : 'file';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
}

/** A JSON artefact with a checksum on record inside it: a dashboard manifest or a weekly payload. */
async function verifyJsonArtefact(context: TraceContext, path: string, ownerJobId: string): Promise<void> {
  const read = await readJsonFile(path);
  if (read.kind !== 'ok') return;
  const datasets = datasetRecordsOf(read.value);
  if (datasets) {
    await verifyDatasetManifest(context, path, read.value as Record<string, unknown>, datasets, ownerJobId);
  } else if (hasPayloadChecksum(read.value)) {
    await verifyWeeklyPayload(context, path, read.value);
  }
}

/**
 * Checks one artefact a log entry lists: it exists, and whatever checksum is on record for it is
 * re-hashed — datasets through their manifest (a history bundle folder through the manifest
 * inside), archives through the latency archive manifest, files recorded in a JSON-lines manifest
 * for this job, a weekly payload through its own checksum and signature.
 */
export async function verifyArtefact(
  context: TraceContext,
  artefact: string,
  ownerJobId: string,
  listedIn: string,
): Promise<void> {
  const path = context.absolute(artefact);
  const kind = await kindOf(path);
  if (kind === 'missing') {
    context.missing(path, 'artefact', listedIn);
    return;
  }
  if (kind === 'directory') {
    const manifest = join(path, BUNDLE_MANIFEST);
    if ((await kindOf(manifest)) === 'file') await verifyJsonArtefact(context, manifest, ownerJobId);
    return;
  }
  if (path.endsWith('.jsonl')) {
    // A latency run's only JSON-lines artefact is its archive manifest, a format of its own.
    if (ownerJobId.endsWith('latency')) await verifyLatencyArchiveManifest(context, path, ownerJobId);
    else await verifyChecksumManifest(context, path, ownerJobId);
  } else if (path.endsWith('.json')) await verifyJsonArtefact(context, path, ownerJobId);
}
