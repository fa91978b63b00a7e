import { Readable } from 'node:stream';

/** `text` as a file stream would deliver it, cut into chunks of `chunkBytes` (to cross every boundary). */
export function streamOf(text: string | Buffer, chunkBytes = 64 * 1024): Readable {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const chunks: Buffer[] = [];
  for (let start = 0; start < bytes.length; start += chunkBytes)
    chunks.push(bytes.subarray(start, start + chunkBytes));
  return Readable.from(chunks);
}
