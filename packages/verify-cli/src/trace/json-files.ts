import { readFile } from 'node:fs/promises';
import { forEachLine } from '../log/line-reader.js';

export type JsonRead =
  | { kind: 'ok'; value: unknown }
  | { kind: 'missing' }
  | { kind: 'invalid'; reason: string };

export async function readJsonFile(path: string): Promise<JsonRead> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'invalid', reason: (error as Error).message };
  }
  try {
    return { kind: 'ok', value: JSON.parse(text) };
  } catch (error) {
    return { kind: 'invalid', reason: (error as Error).message };
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export interface JsonLine {
  line: number;
  value: Record<string, unknown>;
}

/**
 * The JSON objects of a JSON-lines manifest, streamed. Blank lines are passed over; a line that
 * is not a JSON object is reported through `onInvalid`. Returns false when the file is missing.
 */
export async function forEachJsonLine(
  path: string,
  onLine: (line: JsonLine) => void,
  onInvalid: (line: number, reason: string) => void = () => undefined,
): Promise<boolean> {
  try {
    await forEachLine(path, {}, (line) => {
      if (line.text === null) return onInvalid(line.number, `${line.bytes} bytes on one line`);
      if (line.text.trim() === '') return;
      try {
        const value = JSON.parse(line.text) as unknown;
        if (isRecord(value)) onLine({ line: line.number, value });
        else onInvalid(line.number, 'not a JSON object');
      } catch (error) {
        onInvalid(line.number, (error as Error).message);
      }
    });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
