import { escapeUntrusted, sha256Hex } from '@obs-automation/core';
import { CheckBuilder, type CheckOutcome } from '../checks/check-outcome.js';
import { readBundleFile } from './bundle-file.js';
import type { BundleManifest } from './bundle-manifest.js';

/** `page`: the HTML page the manifest lists exists and its SHA-256 and size match. */
export async function pageFileCheck(
  page: NonNullable<BundleManifest['page']>,
  manifestPath: string,
  shown: (absolute: string) => string,
): Promise<CheckOutcome> {
  const check = new CheckBuilder('page');
  const read = await readBundleFile(page.path, manifestPath, {
    what: 'page',
    source: shown(manifestPath),
    missingCode: 'page_missing',
  });
  if (read.kind === 'refused') {
    check.fail(read.errorCode, read.message);
    return check.done({ path: escapeUntrusted(page.path) });
  }
  const path = shown(read.absolute);
  const checksum = sha256Hex(read.bytes);
  if (checksum !== page.checksum_sha256 || read.bytes.length !== page.bytes) {
    check.fail(
      'checksum_mismatch',
      `page ${path} has SHA-256 ${checksum} (${read.bytes.length} bytes), the manifest records ${page.checksum_sha256} (${page.bytes} bytes)`,
    );
  }
  return check.done({ path, checksum_sha256: checksum, bytes: read.bytes.length });
}
