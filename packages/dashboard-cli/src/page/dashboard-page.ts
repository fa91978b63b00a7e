import { join } from 'node:path';
import { sha256Hex } from '@obs-automation/core';
import { loadPageAssets } from './page-assets.js';
import { renderPageDocument } from './page-document.js';
import { buildPageModel, type PageInputs } from './page-model.js';

/** The page's name in the bundle folder, beside manifest.json. */
export const PAGE_FILE_NAME = 'index.html';

/** The page ready to be written: its exact bytes and their checksum. */
export interface RenderedPage {
  /** absolute path: `<bundle folder>/index.html` */
  path: string;
  bytes: Buffer;
  checksum: string;
}

export function pageFilePath(bundleDir: string): string {
  return join(bundleDir, PAGE_FILE_NAME);
}

/** Builds the dashboard page of one export (written by the caller together with the bundle). */
export async function renderDashboardPage(inputs: PageInputs & { bundleDir: string }): Promise<RenderedPage> {
  const [model, assets] = await Promise.all([buildPageModel(inputs), loadPageAssets()]);
  const bytes = Buffer.from(renderPageDocument(model, assets), 'utf8');
  return { path: pageFilePath(inputs.bundleDir), bytes, checksum: sha256Hex(bytes) };
}
