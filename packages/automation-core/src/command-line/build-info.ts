import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INSTALL_ROOT } from '../install-paths.js';

/** The release and commit a binary was built from. */
export interface BuildInfo {
  version: string;
  commit: string;
}

// Set by scripts/bundle-clis.mjs when it bundles a CLI; absent in the compiled packages.
declare const __OBS_BUILD_INFO__: BuildInfo | undefined;

/** Without a bundle: the installation's package.json, and no commit on record. */
function unbundledBuildInfo(): BuildInfo {
  try {
    const manifest = JSON.parse(readFileSync(join(INSTALL_ROOT, 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    return {
      version: typeof manifest.version === 'string' ? manifest.version : 'unknown',
      commit: 'unknown',
    };
  } catch {
    return { version: 'unknown', commit: 'unknown' };
  }
}

export function buildInfo(): BuildInfo {
  return typeof __OBS_BUILD_INFO__ === 'undefined' ? unbundledBuildInfo() : __OBS_BUILD_INFO__;
}

/** What `--version` prints: `<binary> <version> (<commit>)`. */
export function versionLine(binary: string): string {
  const { version, commit } = buildInfo();
  return `${binary} ${version} (${commit})`;
}
