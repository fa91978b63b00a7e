import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

const ARCHIVE_MANIFEST = 'ops/signal_latency_archive/manifest.jsonl';

// biome-ignore lint/suspicious/noExplicitAny: manifest lines are checked by the tests that read them
type ManifestLine = Record<string, any>;

/**
 * The latency archives whose rows count, by the tests' own reading of the archive manifest (not
 * the package's): the last line of a path wins (a day archive has one per change), a compaction
 * line's `replaces` and a deletion line retire the archives they name.
 */
export async function countedArchives(root: string): Promise<ManifestLine[]> {
  const text = await readFile(join(root, ARCHIVE_MANIFEST), 'utf8').catch(() => '');
  const current = new Map<string, ManifestLine>();
  for (const line of text.split('\n').filter((item) => item.trim() !== '')) {
    const entry = JSON.parse(line) as ManifestLine;
    const path = entry.path as string;
    if (entry.event === 'deleted') {
      if (current.get(path)?.sha256 === entry.sha256) current.delete(path);
      continue;
    }
    for (const folded of (entry.replaces as string[] | undefined) ?? []) current.delete(folded);
    current.delete(path);
    current.set(path, entry);
  }
  return [...current.values()];
}

/** The CSV text of every counted archive, each read only as far as its line covers it. */
export async function countedArchiveTexts(root: string): Promise<string[]> {
  const texts: string[] = [];
  for (const entry of await countedArchives(root)) {
    const bytes = await readFile(join(root, entry.path as string));
    const covered = typeof entry.bytes === 'number' ? bytes.subarray(0, entry.bytes) : bytes;
    texts.push(gunzipSync(covered).toString('utf8'));
  }
  return texts;
}
