import { readArchiveManifest } from '@obs-automation/latency-store';
import { verifyFileChecksum } from './file-checksum.js';
import type { TraceContext } from './trace-context.js';

/**
 * The archive manifest a latency run lists: every archive its lines record for that run is
 * re-hashed. Lines are read and validated as obs-latency reads them; one that cannot be used
 * is obs-latency's to report.
 */
export async function verifyLatencyArchiveManifest(
  context: TraceContext,
  manifestPath: string,
  ownerJobId: string,
): Promise<void> {
  const shown = context.display(manifestPath);
  const manifest = await readArchiveManifest({ path: manifestPath, label: shown });
  for (const entry of manifest.entries) {
    if (entry.job_id !== ownerJobId) continue;
    await verifyFileChecksum(context, context.absolute(entry.path), entry.sha256, 'manifest_entry', shown);
  }
}
