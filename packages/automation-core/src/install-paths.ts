import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The installation's root: the nearest folder above this module holding the bundled JSON
 * Schemas. Found by walking up rather than by a fixed relative path, so the compiled packages
 * and the bundled CLIs (which live at different depths) resolve the same files.
 */
function findInstallRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'schemas', 'automation_run.schema.json'))) return dir;
    if (dirname(dir) === dir)
      throw new Error(`no schemas/ folder above ${start}: the installation is incomplete`);
  }
}

export const INSTALL_ROOT = findInstallRoot(dirname(fileURLToPath(import.meta.url)));

/** The automation-core package folder, whose dependencies and build outputs the core loads. */
export const CORE_PACKAGE_DIR = join(INSTALL_ROOT, 'packages', 'automation-core');

/** `require` resolving from the core package, wherever the calling code was bundled to. */
export const coreRequire = createRequire(join(CORE_PACKAGE_DIR, 'package.json'));
