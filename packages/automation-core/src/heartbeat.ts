import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-file.js';

export type HeartbeatRead =
  | { kind: 'missing' }
  | { kind: 'corrupt'; reason: string }
  | { kind: 'ok'; data: Record<string, unknown> };

export interface HeartbeatFailure {
  job_id: string;
  error_code: string;
  at: string;
}

export async function readHeartbeat(path: string): Promise<HeartbeatRead> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'corrupt', reason: (error as Error).message };
  }
  try {
    const data = JSON.parse(text) as unknown;
    if (data && typeof data === 'object' && !Array.isArray(data))
      return { kind: 'ok', data: data as Record<string, unknown> };
    return { kind: 'corrupt', reason: 'not a JSON object' };
  } catch (error) {
    return { kind: 'corrupt', reason: (error as Error).message };
  }
}

export async function writeHeartbeat(path: string, data: Record<string, unknown>): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(data, null, 2)}\n`);
}
