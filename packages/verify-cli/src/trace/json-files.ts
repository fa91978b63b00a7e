import { type FileKind, JobError, parseJsonBounded, readBoundedText } from '@obs-automation/core';

export type JsonRead =
  | { kind: 'ok'; value: unknown }
  | { kind: 'missing' }
  | { kind: 'invalid'; reason: string };

/**
 * A JSON file a job wrote, read under its kind's cap, never through a link or from anything but
 * a regular file, nesting capped. Why it cannot be used says where, never what the file holds.
 */
export async function readJsonFile(
  path: string,
  options: { kind: FileKind; shown: string; what: string },
): Promise<JsonRead> {
  try {
    const text = await readBoundedText(path, options);
    if (text === null) return { kind: 'missing' };
    return { kind: 'ok', value: parseJsonBounded(text, { what: options.what, file: options.shown }) };
  } catch (error) {
    if (!(error instanceof JobError)) throw error;
    return { kind: 'invalid', reason: String(error.details.problem ?? error.message) };
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
