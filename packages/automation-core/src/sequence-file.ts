import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-file.js';

export type SequenceFileState =
  | { kind: 'missing' }
  | { kind: 'corrupt'; reason: string }
  | { kind: 'ok'; value: number };

/** Reads `{"value": N, "updated_at": "…"}`, the format the earlier tooling wrote too. */
export async function readSequenceFile(path: string): Promise<SequenceFileState> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as { value?: unknown };
    if (Number.isSafeInteger(parsed?.value) && (parsed.value as number) >= 0) {
      return { kind: 'ok', value: parsed.value as number };
    }
    return { kind: 'corrupt', reason: 'value is not a non-negative integer' };
  } catch (error) {
    return { kind: 'corrupt', reason: (error as Error).message };
  }
}

export async function writeSequenceFile(path: string, value: number, updatedAt: Date): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify({ value, updated_at: updatedAt.toISOString() })}\n`);
}
