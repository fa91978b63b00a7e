// The files outside the bundles that an installed binary loads at run time from node_modules,
// found by following the `require('…')` calls of the files that load them. Everything else the
// packages depend on is inside the bundles; nothing here is a development dependency.
import { readFile, realpath } from 'node:fs/promises';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';

const REQUIRE_CALL = /\brequire\(\s*(['"])([^'"\s]+)\1\s*\)/g;
// Usage examples in comments (`const SonicBoom = require('SonicBoom')`) are not requires.
const COMMENTS = /\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm;
const BUILTINS = new Set(builtinModules);

function isBuiltin(specifier) {
  return specifier.startsWith('node:') || BUILTINS.has(specifier.split('/')[0]);
}

/** The package a file of node_modules belongs to: its root folder and its name. */
async function packageOf(file) {
  for (let dir = dirname(file); dirname(dir) !== dir; dir = dirname(dir)) {
    let manifest;
    try {
      manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    // Nested package.json files (`{"type": "module"}` in a subfolder) name no package.
    if (
      typeof manifest.name === 'string' &&
      dir.endsWith(`${sep}node_modules${sep}${manifest.name.split('/').join(sep)}`)
    ) {
      return { root: dir, name: manifest.name };
    }
  }
  throw new Error(`${file} is in no package of node_modules`);
}

/**
 * Collects runtime files into `files` (release path → real source path): `specifier` resolved
 * from `fromFile` and, with `follow`, every module it requires in turn. Each package also
 * contributes its package.json, which Node reads to resolve it.
 */
export async function collectRuntimeFiles(files, fromFile, specifier, { follow }) {
  const packages = new Map();
  const pending = [{ fromFile, specifier }];
  while (pending.length > 0) {
    const next = pending.pop();
    if (isBuiltin(next.specifier)) continue;
    const resolved = await realpath(createRequire(next.fromFile).resolve(next.specifier));
    const owner = await packageOf(resolved);
    const known = packages.get(owner.name);
    if (known !== undefined && known !== owner.root) {
      throw new Error(`two versions of ${owner.name} are needed at run time: ${known} and ${owner.root}`);
    }
    packages.set(owner.name, owner.root);
    const target = join('node_modules', owner.name, relative(owner.root, resolved));
    if (files.has(target)) continue;
    files.set(target, resolved);
    files.set(join('node_modules', owner.name, 'package.json'), join(owner.root, 'package.json'));
    if (!follow || !/\.c?js$/.test(resolved)) continue;
    const source = (await readFile(resolved, 'utf8')).replace(COMMENTS, '');
    for (const match of source.matchAll(REQUIRE_CALL))
      pending.push({ fromFile: resolved, specifier: match[2] });
  }
}

/** The `require('…')` specifiers of a generated module (a precompiled schema validator). */
export async function requiredSpecifiers(file) {
  const source = (await readFile(file, 'utf8')).replace(COMMENTS, '');
  return [...new Set([...source.matchAll(REQUIRE_CALL)].map((match) => match[2]))].filter(
    (specifier) => !isBuiltin(specifier),
  );
}
