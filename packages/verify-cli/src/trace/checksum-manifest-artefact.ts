import { dirname, relative, sep } from 'node:path';
import { forEachJsonLine } from '@obs-automation/core';
import { verifyFileChecksum } from './file-checksum.js';
import type { ListedPath, TraceContext } from './trace-context.js';

interface RecordedFile {
  path: unknown;
  checksum: string;
}

/**
 * A line of a JSON-lines manifest that records a file this job wrote with its checksum
 * (`checksum_sha256`, the weekly history manifest). Deletion records are passed over: those
 * files are gone on purpose.
 */
function recordedFileOf(value: Record<string, unknown>, ownerJobId: string): RecordedFile | null {
  if (value.job_id !== ownerJobId || typeof value.path !== 'string') return null;
  if (value.event === 'deleted' || typeof value.deleted_at === 'string') return null;
  const checksum = value.checksum_sha256;
  return typeof checksum === 'string' ? { path: value.path, checksum } : null;
}

/**
 * Re-hashes every file the manifest records for the traced job. Paths are relative to the root
 * and may only name files in the manifest's own folder (the weekly history keeps its payloads
 * beside its manifest); any other path is refused, never opened.
 */
export async function verifyChecksumManifest(
  context: TraceContext,
  manifest: ListedPath,
  ownerJobId: string,
): Promise<void> {
  const recorded: RecordedFile[] = [];
  const shown = context.display(manifest.lexical);
  await forEachJsonLine(manifest.real, { shown }, ({ value }) => {
    const file = recordedFileOf(value, ownerJobId);
    if (file) recorded.push(file);
  });
  const folder = relative(context.root, dirname(manifest.lexical)).split(sep).join('/');
  for (const file of recorded) {
    const listed = await context.listed(file.path, {
      what: 'recorded path',
      source: shown,
      ...(folder === '' ? {} : { allowed: `${folder}/` }),
    });
    if (listed) await verifyFileChecksum(context, listed, file.checksum, 'manifest_entry', shown);
  }
}
