// bench/results.md holds `pnpm bench`'s table and, after it, the storage simulation's section
// (`pnpm bench:storage --write-results`): each script replaces its own part and keeps the other.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const STORAGE_SECTION = '## Storage over weeks';

function current(repo) {
  try {
    return readFileSync(join(repo, 'bench/results.md'), 'utf8');
  } catch {
    return '';
  }
}

function split(text) {
  const at = text.indexOf(`\n${STORAGE_SECTION}\n`);
  return at === -1
    ? { bench: text, storage: '' }
    : { bench: text.slice(0, at + 1), storage: text.slice(at + 1) };
}

/** Replaces the benchmark table, keeping the storage section. */
export function writeBenchResults(repo, text) {
  const { storage } = split(current(repo));
  writeFileSync(join(repo, 'bench/results.md'), storage ? `${text}\n${storage}` : text);
}

/** Replaces the storage section (which starts with STORAGE_SECTION), keeping the benchmark table. */
export function writeStorageResults(repo, section) {
  const { bench } = split(current(repo));
  writeFileSync(join(repo, 'bench/results.md'), `${bench.trimEnd()}\n\n${section.trimEnd()}\n`);
}
