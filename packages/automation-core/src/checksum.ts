import { createHash } from 'node:crypto';
import { openRegularFile, type RegularFileOptions } from './bounded-file-read.js';

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * SHA-256 of a file's exact bytes, streamed so that memory stays flat for large files. The file
 * is opened as openRegularFile opens it (kind `artefact` unless given): a FIFO, device or link is
 * refused with a JobError instead of being read. A missing file rejects with the ENOENT error.
 * With `firstBytes`, only the file's first bytes are hashed (a file that grows by appends, whose
 * record covers it as it was).
 */
export async function sha256File(
  path: string,
  options: Partial<RegularFileOptions> & { firstBytes?: number } = {},
): Promise<string> {
  const opened = await openRegularFile(path, { kind: 'artefact', shown: path, ...options });
  if (!opened) {
    throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), {
      code: 'ENOENT',
      path,
    });
  }
  const hash = createHash('sha256');
  const range = options.firstBytes === undefined ? {} : { end: options.firstBytes - 1 };
  for await (const chunk of opened.handle.createReadStream(range)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
