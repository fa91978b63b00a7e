import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORE_PACKAGE_DIR } from '../install-paths.js';

const PACKAGE_NAME = '@obs-automation/core';
const FALLBACK_VERSION = '0.1.0';

let cachedVersion: string | undefined;

/** The core package's version, from its package.json. */
export function coreVersion(): string {
  cachedVersion ??= readCoreVersion();
  return cachedVersion;
}

export function userAgent(version: string = coreVersion()): string {
  return `obs-automation/${version}`;
}

function readCoreVersion(): string {
  try {
    const manifest: unknown = JSON.parse(readFileSync(join(CORE_PACKAGE_DIR, 'package.json'), 'utf8'));
    const { name, version } = manifest as { name?: unknown; version?: unknown };
    return name === PACKAGE_NAME && typeof version === 'string' && version !== ''
      ? version
      : FALLBACK_VERSION;
  } catch {
    return FALLBACK_VERSION;
  }
}
