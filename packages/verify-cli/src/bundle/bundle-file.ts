import { dirname, resolve } from 'node:path';
import { JobError, readBoundedFile, resolveBundleFile } from '@obs-automation/core';
import { refusalCode } from '../checks/refusal-code.js';

/** A file a bundle manifest names, read, or why it cannot be: a failure code and a message. */
export type BundleFileRead =
  /** `absolute` as the manifest names it (links not resolved), for messages */
  { kind: 'ok'; absolute: string; bytes: Buffer } | { kind: 'refused'; errorCode: string; message: string };

/**
 * Reads a file the manifest at `manifestPath` names, contained in the manifest's folder (see
 * resolveBundleFile) and read as a regular file under the dataset cap, never through a link.
 * Nothing outside the folder is opened.
 */
export async function readBundleFile(
  listed: string,
  manifestPath: string,
  options: { what: string; source: string; missingCode: string },
): Promise<BundleFileRead> {
  try {
    const file = await resolveBundleFile(dirname(manifestPath), listed, {
      code: options.missingCode,
      what: options.what,
      source: options.source,
    });
    const bytes = await readBoundedFile(file.absolute, {
      kind: 'dataset',
      shown: file.relative,
      what: options.what,
      code: options.missingCode,
      followSymlinks: false,
    });
    if (bytes === null) {
      throw new JobError(options.missingCode, `${options.what} ${file.relative} does not exist`, {
        reason: 'missing',
      });
    }
    return { kind: 'ok', absolute: resolve(dirname(manifestPath), file.relative), bytes };
  } catch (error) {
    if (!(error instanceof JobError)) throw error;
    return { kind: 'refused', errorCode: refusalCode(error, options.missingCode), message: error.message };
  }
}
