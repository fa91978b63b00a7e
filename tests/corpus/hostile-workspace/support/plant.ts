import { mkdir, open, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { JsonDocument } from '../../support/corpus-case.js';

/** Writes a file under the root (its folders created). */
export async function plantFile(root: string, path: string, content: string | Buffer): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), content);
}

export const plantJson = (root: string, path: string, value: unknown) =>
  plantFile(root, path, `${JSON.stringify(value, null, 2)}\n`);

/** Puts a symbolic link at `path` (replacing what was there) pointing at `target`. */
export async function plantLink(root: string, path: string, target: string): Promise<void> {
  await rm(join(root, path), { recursive: true, force: true });
  await mkdir(dirname(join(root, path)), { recursive: true });
  await symlink(target, join(root, path));
}

/** Rewrites a JSON file under the root. */
export async function editJson(
  root: string,
  path: string,
  edit: (document: JsonDocument) => void,
): Promise<void> {
  const document = JSON.parse(await readFile(join(root, path), 'utf8')) as JsonDocument;
  edit(document);
  await plantJson(root, path, document);
}

/** One JSON line per value, as a JSON-lines manifest holds them. */
export const jsonLines = (...values: unknown[]) =>
  `${values.map((value) => JSON.stringify(value)).join('\n')}\n`;

/** A JSON document nested `depth` levels deep in one field (`{"a":[[[…]]]}`). */
export function deeplyNested(depth: number, field = 'a'): string {
  return `{"${field}":${'['.repeat(depth)}${']'.repeat(depth)}}`;
}

/**
 * Writes `before`, then one line of `length` bytes of `fill` (no line feed of its own), then
 * `after`, streaming: a line of hundreds of megabytes costs the test no memory.
 */
export async function plantLongLine(
  root: string,
  path: string,
  parts: { before: string; length: number; fill?: string; after: string },
): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  const handle = await open(join(root, path), 'w');
  try {
    await handle.write(parts.before);
    const chunk = Buffer.alloc(1 << 20, parts.fill ?? 'x');
    for (let left = parts.length; left > 0; left -= chunk.length) {
      await handle.write(chunk, 0, Math.min(chunk.length, left));
    }
    await handle.write(parts.after);
  } finally {
    await handle.close();
  }
}
