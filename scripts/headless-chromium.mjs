// Debian's chromium, launched headless the same way by the browser tests, the benchmark and the
// README screenshot: no sandbox (CI runs as root), no GPU, nothing that reaches the network.
import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_ARGS = Object.freeze([
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]);

export function hasChromium() {
  return existsSync(CHROMIUM);
}

/** A headless Chromium with a temporary profile (playwright-core's `launch`). */
export async function launchHeadlessChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS], headless: true });
}
