import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BIN, type CliResult, cleanEnv, runCli } from '../support/cli-process.js';

/** A clock in the week after 2025-10-06, the week the fixtures describe. */
export const NOW = '2025-10-14T01:00:00Z';
export const SECRET = 'weekly-e2e-signing-secret-7f3a';

/** Runs the built obs-weekly on a workspace with the fixed clock and no retry backoff. */
export function runWeekly(
  root: string,
  args: readonly string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<CliResult> {
  return runCli(BIN.weekly, ['--root', root, '--now', NOW, '--retry-wait-seconds', '0', ...args], {
    env: cleanEnv(env),
  });
}

// biome-ignore lint/suspicious/noExplicitAny: assertions walk parsed JSON of a known shape
export type JsonDocument = Record<string, any>;

export async function readJson(root: string, path: string): Promise<JsonDocument> {
  return JSON.parse(await readFile(join(root, path), 'utf8')) as JsonDocument;
}

export async function readJsonLines(root: string, path: string): Promise<JsonDocument[]> {
  const text = await readFile(join(root, path), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as JsonDocument);
}
