import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { ExpectStatic } from 'vitest';
import { BIN, cleanEnv, runCli } from '../../support/cli-process.js';
import type { JsonDocument } from './corpus-case.js';
import { firstTornLine } from './disk-files.js';

/** Every file under the workspace's ops/ and out/, root-relative with `/`. */
async function outputFiles(root: string): Promise<string[]> {
  const files: string[] = [];
  for (const dir of ['ops', 'out']) {
    const entries = await readdir(join(root, dir), { recursive: true, withFileTypes: true }).catch(() => []);
    for (const entry of entries)
      if (entry.isFile()) files.push(relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'));
  }
  return files.sort();
}

/** No temporary file of an interrupted atomic write is left in ops/ or out/. */
export async function expectNoTemporaryFiles(root: string, expect: ExpectStatic): Promise<void> {
  const files = await outputFiles(root);
  expect(
    files.filter((path) => path.includes('.tmp-')),
    'temporary files left behind',
  ).toEqual([]);
}

/**
 * No file is torn or left half-written: every JSON artefact parses and every JSON-lines file
 * (run log, manifests) has only whole lines.
 */
export async function expectWholeArtefacts(root: string, expect: ExpectStatic): Promise<void> {
  for (const path of await outputFiles(root)) {
    if (path.endsWith('.json')) {
      const text = await readFile(join(root, path), 'utf8');
      expect(() => JSON.parse(text), `${path} parses`).not.toThrow();
    } else if (path.endsWith('.jsonl') || path.endsWith('automation_runs.log')) {
      expect(firstTornLine(await readFile(join(root, path), 'utf8')), `${path} has a torn line`).toBeNull();
    }
  }
}

/** Runs the built obs-verify (a subcommand first, if any) on a workspace. */
export async function runVerifyCli(
  root: string,
  now: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<JsonDocument> {
  const [first, ...rest] = args;
  const subcommand = first === 'bundle' || first === 'rebuild-log' ? [first] : [];
  const flags = subcommand.length > 0 ? rest : args;
  const result = await runCli(BIN.verify, [...subcommand, '--root', root, '--now', now, ...flags], {
    env: cleanEnv(env),
  });
  return JSON.parse(result.stdout) as JsonDocument;
}
