import { verifyFileChecksum } from './file-checksum.js';
import { forEachJsonLine } from './json-files.js';
import type { TraceContext } from './trace-context.js';

interface RecordedFile {
  path: string;
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

/** Re-hashes every file the manifest records for the traced job (paths relative to the root). */
export async function verifyChecksumManifest(
  context: TraceContext,
  manifestPath: string,
  ownerJobId: string,
): Promise<void> {
  const recorded: RecordedFile[] = [];
  await forEachJsonLine(manifestPath, ({ value }) => {
    const file = recordedFileOf(value, ownerJobId);
    if (file) recorded.push(file);
  });
  const shown = context.display(manifestPath);
  for (const file of recorded) {
    await verifyFileChecksum(context, context.absolute(file.path), file.checksum, 'manifest_entry', shown);
  }
}
