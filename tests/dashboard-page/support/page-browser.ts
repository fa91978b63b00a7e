import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium } from '../../../scripts/headless-chromium.mjs';
import { REPO_ROOT } from '../../support/cli-process.js';

/** The browser tests skip (visibly) where Debian's chromium is not installed. */
export const HAS_CHROMIUM = hasChromium();
export const NO_CHROMIUM_REASON = `${CHROMIUM} is not installed (apt-get install chromium)`;

/** Git-ignored folder for the screenshots the tests take. */
export const ARTIFACTS_DIR = join(REPO_ROOT, 'tests/.artifacts/dashboard-page');

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

/** One headless Chromium with a fresh profile, for all the tests of a file. */
export async function launchBrowser(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = await mkdtemp(join(tmpdir(), 'obs-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS],
    headless: true,
    viewport: DESKTOP,
    timezoneId: 'Asia/Tokyo',
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** What a page did while it loaded: console messages at error level, uncaught errors, requests. */
export interface PageActivity {
  errors: string[];
  requests: string[];
}

/**
 * Opens a page file (file://) and waits until its script says the charts are drawn. Every request
 * is recorded: a self-contained page makes exactly one, for itself.
 */
export async function openPage(
  context: BrowserContext,
  file: string,
  viewport = DESKTOP,
): Promise<{ page: Page; activity: PageActivity; url: string }> {
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  const activity: PageActivity = { errors: [], requests: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') activity.errors.push(message.text());
  });
  page.on('pageerror', (error) => activity.errors.push(`uncaught: ${error.message}`));
  page.on('request', (request) => activity.requests.push(request.url()));
  const url = pathToFileURL(file).href;
  await page.goto(url);
  await page.waitForSelector('html[data-charts-ready="true"]', { timeout: 10_000 });
  return { page, activity, url };
}

/**
 * Saves a full-page screenshot and returns the standard deviation of its pixel values, computed
 * in the browser from the PNG (a blank page gives 0).
 */
export async function screenshotVariance(page: Page, context: BrowserContext, name: string): Promise<number> {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  const png = await page.screenshot({ path: join(ARTIFACTS_DIR, `${name}.png`), fullPage: true });
  const probe = await context.newPage();
  try {
    await probe.setContent('<canvas></canvas>');
    return await probe.evaluate(async (base64) => {
      const image = new Image();
      image.src = `data:image/png;base64,${base64}`;
      await image.decode();
      const canvas = document.querySelector('canvas') as HTMLCanvasElement;
      canvas.width = image.width;
      canvas.height = image.height;
      const context2d = canvas.getContext('2d') as CanvasRenderingContext2D;
      context2d.drawImage(image, 0, 0);
      const { data } = context2d.getImageData(0, 0, image.width, image.height);
      let sum = 0;
      let squares = 0;
      const count = data.length / 4;
      for (let index = 0; index < data.length; index += 4) {
        const value =
          ((data[index] as number) + (data[index + 1] as number) + (data[index + 2] as number)) / 3;
        sum += value;
        squares += value * value;
      }
      const mean = sum / count;
      return Math.sqrt(squares / count - mean * mean);
    }, png.toString('base64'));
  } finally {
    await probe.close();
  }
}

/** The parts of a uPlot instance the tests read, through `window.obsDashboard.charts`. */
export interface PagePlot {
  series: { label?: string }[];
  data: (number | null)[][];
  ctx: CanvasRenderingContext2D;
  bbox: { left: number; top: number; width: number; height: number };
  valToPos(value: number, scale: string, canvasPixels?: boolean): number;
}

export type PageWindow = Window & { obsDashboard: { charts: Record<string, PagePlot> } };

/** Figures of the page: chart name → points drawn (from the page's script) and expected (from the HTML). */
export function chartFigures(
  page: Page,
): Promise<Record<string, { drawn: string | undefined; points: number; expected: number }>> {
  return page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll<HTMLElement>('figure.chart')].map((figure) => [
        figure.dataset.chart as string,
        {
          drawn: figure.dataset.drawn,
          points: Number(figure.dataset.points),
          expected: Number(figure.dataset.expectedPoints),
        },
      ]),
    ),
  );
}
