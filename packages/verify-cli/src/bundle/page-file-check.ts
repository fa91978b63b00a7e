import { dirname, resolve } from 'node:path';
import { errorMessageOf, sha256Hex } from '@obs-automation/core';
import { CheckBuilder, type CheckOutcome } from '../checks/check-outcome.js';
import type { BundleManifest } from './bundle-manifest.js';
import { locateBundleFile } from './dataset-file-check.js';

/** `page`: the HTML page the manifest lists exists and its SHA-256 and size match. */
export async function pageFileCheck(
  page: NonNullable<BundleManifest['page']>,
  manifestPath: string,
  shown: (absolute: string) => string,
): Promise<CheckOutcome> {
  const check = new CheckBuilder('page');
  const manifestDir = dirname(manifestPath);
  const listed = shown(resolve(manifestDir, page.path));
  let found: Awaited<ReturnType<typeof locateBundleFile>>;
  try {
    found = await locateBundleFile(page, manifestDir);
  } catch (error) {
    check.fail('page_missing', `page ${listed}: cannot read it: ${errorMessageOf(error)}`);
    return check.done({ path: page.path });
  }
  if (!found) {
    check.fail('page_missing', `page ${listed} listed in ${shown(manifestPath)} does not exist`);
    return check.done({ path: page.path });
  }
  const checksum = sha256Hex(found.bytes);
  if (checksum !== page.checksum_sha256 || found.bytes.length !== page.bytes) {
    check.fail(
      'checksum_mismatch',
      `page ${listed} has SHA-256 ${checksum} (${found.bytes.length} bytes), the manifest records ${page.checksum_sha256} (${page.bytes} bytes)`,
    );
  }
  return check.done({ path: shown(found.path), checksum_sha256: checksum, bytes: found.bytes.length });
}
