import { readBoundedFile } from './bounded-file-read.js';
import { parseJsonBounded } from './bounded-json.js';
import type { FileKind } from './file-read-rules.js';
import { JobError } from './job-error.js';

export type JsonObjectRead =
  | { kind: 'missing' }
  | { kind: 'corrupt'; reason: string }
  | { kind: 'ok'; data: Record<string, unknown> };

/**
 * Reads a small JSON object a job wrote (a heartbeat, a manifest) without trusting it: never
 * through a link, never a FIFO or device, at most the kind's cap, nested at most MAX_JSON_DEPTH
 * deep. Anything else is `corrupt` with a reason that names the problem and its position, never
 * the file's content.
 */
export async function readJsonObjectFile(
  path: string,
  options: { kind: FileKind; shown: string; code: string },
): Promise<JsonObjectRead> {
  const what = options.kind.replaceAll('_', ' ');
  try {
    const bytes = await readBoundedFile(path, options);
    if (bytes === null) return { kind: 'missing' };
    const data = parseJsonBounded(bytes, { what, file: options.shown, code: options.code });
    if (data && typeof data === 'object' && !Array.isArray(data))
      return { kind: 'ok', data: data as Record<string, unknown> };
    return { kind: 'corrupt', reason: 'not a JSON object' };
  } catch (error) {
    if (!(error instanceof JobError)) throw error;
    return { kind: 'corrupt', reason: String(error.details.problem ?? error.message) };
  }
}
