import { basename, isAbsolute, relative, sep } from 'node:path';
import { type ContainedPath, type ContainedPathOptions, resolveContainedPath } from './contained-path.js';

export type BundleFileOptions = Omit<ContainedPathOptions, 'base' | 'type'>;

function lexicallyInside(folder: string, path: string): boolean {
  const inside = relative(folder, path);
  return inside !== '' && inside !== '..' && !inside.startsWith(`..${sep}`) && !isAbsolute(inside);
}

/**
 * Resolves a file a dashboard bundle's manifest names (a dataset, the page) inside the bundle
 * folder — the manifest's folder — refusing anything that leads outside it, even through a
 * link, or that is not a regular file (see resolveContainedPath; messages say "outside its
 * folder"). Manifests of the earlier tooling hold absolute paths; such a path outside the folder
 * is never opened where it points: the file of the same name beside the manifest is the one
 * meant (a copied bundle), and without one the path is refused.
 */
export async function resolveBundleFile(
  bundleDir: string,
  listed: unknown,
  options: BundleFileOptions,
): Promise<ContainedPath> {
  const inFolder = { ...options, base: '.' };
  if (typeof listed === 'string' && isAbsolute(listed) && !lexicallyInside(bundleDir, listed)) {
    const beside = await resolveContainedPath(bundleDir, basename(listed), {
      ...inFolder,
      mayBeMissing: true,
    }).catch(() => null);
    if (beside?.exists) return beside;
  }
  return resolveContainedPath(bundleDir, listed, inFolder);
}
