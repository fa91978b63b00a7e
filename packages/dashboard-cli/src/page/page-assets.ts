import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { errorMessageOf, INSTALL_ROOT, JobError, registeredJob } from '@obs-automation/core';

/** Everything the page inlines besides its data: the chart library, its licence, the page's own script and style. */
export interface PageAssets {
  uplotScript: string;
  uplotStyle: string;
  uplotLicense: string;
  uplotVersion: string;
  pageScript: string;
  pageStyle: string;
}

/** The dashboard package of this installation: its page-assets/ folder and its node_modules. */
const PACKAGE_DIR = join(INSTALL_ROOT, 'packages', registeredJob('dashboard').packageDir);

/** The files of the uplot package the page inlines, relative to the package; a release ships exactly these. */
export const UPLOT_FILES = {
  script: 'dist/uPlot.iife.min.js',
  style: 'dist/uPlot.min.css',
  license: 'LICENSE',
  manifest: 'package.json',
} as const;

/** The page's own script and style, in this folder of the dashboard package. */
export const PAGE_ASSETS_DIR = 'page-assets';

async function readAsset(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new JobError(
      'internal_error',
      `the dashboard page asset ${path} cannot be read (${errorMessageOf(error)}): the installation is incomplete`,
      { path },
    );
  }
}

let loaded: Promise<PageAssets> | null = null;

/**
 * Reads the assets from the installation (not the workspace), once per process. uPlot comes from
 * the dependency pinned in the lockfile, found the way Node resolves it from the dashboard
 * package, so the compiled modules and the bundled CLI read the same files.
 */
export function loadPageAssets(): Promise<PageAssets> {
  loaded ??= (async () => {
    const require = createRequire(join(PACKAGE_DIR, 'package.json'));
    let uplotDir: string;
    try {
      uplotDir = dirname(require.resolve('uplot/package.json'));
    } catch (error) {
      throw new JobError(
        'internal_error',
        `the chart library uplot is not installed beside ${PACKAGE_DIR} (${errorMessageOf(error)})`,
        { path: PACKAGE_DIR },
      );
    }
    const [uplotScript, uplotStyle, uplotLicense, uplotPackage, pageScript, pageStyle] = await Promise.all([
      readAsset(join(uplotDir, UPLOT_FILES.script)),
      readAsset(join(uplotDir, UPLOT_FILES.style)),
      readAsset(join(uplotDir, UPLOT_FILES.license)),
      readAsset(join(uplotDir, UPLOT_FILES.manifest)),
      readAsset(join(PACKAGE_DIR, PAGE_ASSETS_DIR, 'dashboard-page.js')),
      readAsset(join(PACKAGE_DIR, PAGE_ASSETS_DIR, 'dashboard-page.css')),
    ]);
    const uplotVersion = String((JSON.parse(uplotPackage) as { version?: unknown }).version ?? 'unknown');
    return { uplotScript, uplotStyle, uplotLicense, uplotVersion, pageScript, pageStyle };
  })();
  loaded.catch(() => {
    loaded = null;
  });
  return loaded;
}
