import { createHash } from 'node:crypto';
import { openRegularFile, type RegularFileOptions } from './bounded-file-read.js';

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * SHA-256 of a file's exact bytes, streamed so that memory stays flat for large files. The file
 * is opened as openRegularFile opens it (kind `artefact` unless given): a FIFO, device or link is
 * refused with a JobError instead of being read. A missing file rejects with the ENOENT error.
 */
export async function sha256File(path: string, options: Partial<RegularFileOptions> = {}): Promise<string> {
  const opened = await openRegularFile(path, { kind: 'artefact', shown: path, ...options });
  if (!opened) {
    throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), {
      code: 'ENOENT',
      path,
    });
  }
  const hash = createHash('sha256');
  for await (const chunk of opened.handle.createReadStream()) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
