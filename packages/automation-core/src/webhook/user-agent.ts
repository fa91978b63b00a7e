import { readFileSync } from 'node:fs';

const PACKAGE_NAME = '@obs-automation/core';
const FALLBACK_VERSION = '0.1.0';

let cachedVersion: string | undefined;

/** The core package's version; package.json sits two levels up from both src/webhook and dist/webhook. */
export function coreVersion(): string {
  cachedVersion ??= readCoreVersion();
  return cachedVersion;
}

export function userAgent(version: string = coreVersion()): string {
  return `obs-automation/${version}`;
}

function readCoreVersion(): string {
  try {
    const manifest: unknown = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    );
    const { name, version } = manifest as { name?: unknown; version?: unknown };
    return name === PACKAGE_NAME && typeof version === 'string' && version !== ''
      ? version
      : FALLBACK_VERSION;
  } catch {
    return FALLBACK_VERSION;
  }
}
