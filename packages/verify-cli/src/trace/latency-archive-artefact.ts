import { ARCHIVE_ENTRY_RULE, readArchiveManifest } from '@obs-automation/latency-store';
import { verifyFileChecksum } from './file-checksum.js';
import type { ListedPath, TraceContext } from './trace-context.js';

/**
 * The archive manifest a latency run lists: every archive its lines record for that run is
 * re-hashed (a day archive as far as the line covers it: later appends never change those
 * bytes), each path contained in the root and shaped as obs-latency names archives; one that
 * compaction deleted is covered by its deletion line. Lines are
 * read and validated as obs-latency reads them; one that cannot be used is obs-latency's to
 * report.
 */
export async function verifyLatencyArchiveManifest(
  context: TraceContext,
  manifestPath: ListedPath,
  ownerJobId: string,
): Promise<void> {
  const shown = context.display(manifestPath.lexical);
  const manifest = await readArchiveManifest({ path: manifestPath.real, label: shown });
  for (const entry of manifest.entries) {
    if (entry.job_id !== ownerJobId) continue;
    const archive = await context.listed(entry.path, { ...ARCHIVE_ENTRY_RULE, source: shown });
    if (archive)
      await verifyFileChecksum(context, archive, entry.sha256, 'manifest_entry', shown, entry.bytes);
  }
}
