import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JsonDocument, readJson, runDashboard } from '../dashboard/support/dashboard-run.js';
import { makeWorkspace } from '../support/cli-process.js';
import {
  chartFigures,
  DESKTOP,
  HAS_CHROMIUM,
  launchBrowser,
  NO_CHROMIUM_REASON,
  openPage,
  type PageWindow,
  PHONE,
  screenshotVariance,
} from './support/page-browser.js';
import {
  CONFIGURED_SLO_MS,
  PAGE,
  readDataset,
  WEEKLY_HEARTBEAT,
  writeChainWorkspace,
} from './support/page-workspace.js';

/** Points a chart must show, computed from the dataset files (not from the page). */
function expectedPoints(
  ev: JsonDocument,
  slippage: JsonDocument,
  turnover: JsonDocument,
  latency: JsonDocument,
) {
  const perSeries = (rows: JsonDocument[]) => {
    const counts = new Map<string, number>();
    for (const row of rows) {
      const key = `${row.strategy} · ${row.symbol} · ${row.mode}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [...counts.entries()].sort(([left], [right]) => (left < right ? -1 : 1)).map(([, count]) => count);
  };
  const slip = perSeries(slippage.state);
  return {
    latency: latency.rows.length,
    failure_rate: latency.rows.length,
    ev: perSeries(ev.rows).reduce((sum, count) => sum + Math.min(30, count), 0),
    turnover: Math.min(10, turnover.rows.length),
    ...Object.fromEntries(slip.map((count, index) => [`slippage-${index}`, count])),
  };
}

/** Fraction of the pixels of a canvas row or column (CSS pixels of the plot) matching `matches`. */
async function pixelShare(
  page: Page,
  chart: string,
  line: { x?: number; y?: number },
  colour: 'breach' | 'dark' | 'white',
): Promise<number> {
  return page.evaluate(
    ({ chart, line, colour }) => {
      const plot = (window as unknown as PageWindow).obsDashboard.charts[chart];
      const { ctx, bbox } = plot;
      const pixels =
        line.x !== undefined
          ? ctx.getImageData(Math.round(line.x), bbox.top, 1, bbox.height).data
          : ctx.getImageData(bbox.left, Math.round(line.y as number), bbox.width, 1).data;
      let matching = 0;
      for (let index = 0; index < pixels.length; index += 4) {
        const [r, g, b, a] = [pixels[index], pixels[index + 1], pixels[index + 2], pixels[index + 3]];
        // The canvas is transparent where nothing is drawn; the shade is the error colour
        // (179, 38, 30) at 14 % opacity, read back unpremultiplied.
        const breach =
          a > 20 && a < 60 && Math.abs(r - 179) < 12 && Math.abs(g - 38) < 12 && Math.abs(b - 30) < 12;
        const white = a === 0;
        const dark = a > 200 && r < 90 && g < 90 && b < 90;
        if ((colour === 'breach' && breach) || (colour === 'white' && white) || (colour === 'dark' && dark))
          matching += 1;
      }
      return matching / (pixels.length / 4);
    },
    { chart, line, colour },
  );
}

describe.skipIf(!HAS_CHROMIUM)(
  `the dashboard page in headless Chromium (${HAS_CHROMIUM ? 'found' : NO_CHROMIUM_REASON})`,
  () => {
    let context: BrowserContext;
    let close: () => Promise<void>;
    let root: string;
    let cleanup: () => Promise<void>;
    let summary: JsonDocument;
    let file: string;

    beforeAll(async () => {
      ({ root, cleanup } = await makeWorkspace('obs-page-'));
      await writeChainWorkspace(root);
      const result = await runDashboard(root, ['--dry-run']);
      expect(result.exitCode, result.stdout).toBe(0);
      summary = result.json();
      file = join(root, PAGE);
      ({ context, close } = await launchBrowser());
    });
    afterAll(async () => {
      await close?.();
      await cleanup?.();
    });

    it('draws every chart with one point per dataset row, with no console error and no request but itself', async () => {
      const { page, activity, url } = await openPage(context, file);
      const [ev, slippage, turnover, latency] = await Promise.all(
        ['ev_history', 'slippage', 'turnover', 'latency'].map((name) => readDataset(root, name)),
      );
      const expected = expectedPoints(
        ev as JsonDocument,
        slippage as JsonDocument,
        turnover as JsonDocument,
        latency as JsonDocument,
      );
      const figures = await chartFigures(page);
      expect(Object.keys(figures).sort()).toEqual(Object.keys(expected).sort());
      for (const [chart, points] of Object.entries(expected)) {
        expect(figures[chart], chart).toEqual({ drawn: 'true', points, expected: points });
      }
      expect(activity.errors).toEqual([]);
      expect(activity.requests).toEqual([url]);
      await page.close();
    });

    it('shows every job of the registry as its heartbeat says', async () => {
      const { page } = await openPage(context, file);
      const rows = await page.evaluate(() =>
        Object.fromEntries(
          [...document.querySelectorAll<HTMLElement>('#health-table tbody tr')].map((row) => [
            row.dataset.job,
            {
              source: row.dataset.source,
              ...Object.fromEntries(
                [...row.querySelectorAll<HTMLElement>('td[data-field]')].map((cell) => [
                  cell.dataset.field,
                  cell.dataset.value,
                ]),
              ),
            },
          ]),
        ),
      );
      const latencyHeartbeat = await readJson(root, 'ops/latency_job_heartbeat.json');
      const iso = (text: string) => new Date(text).toISOString();
      expect(Object.keys(rows)).toEqual(['latency', 'weekly', 'dashboard', 'verify', 'daily']);
      expect(rows.latency).toEqual({
        source: 'ok',
        last_run_at: iso(latencyHeartbeat.generated_at),
        status: latencyHeartbeat.status,
        job_id: latencyHeartbeat.job_id,
        last_success_at: iso(latencyHeartbeat.last_success_at),
        verdict: 'on_time',
        last_error_code: '',
      });
      expect(rows.weekly).toEqual({
        source: 'ok',
        last_run_at: WEEKLY_HEARTBEAT.generated_at,
        status: 'error',
        job_id: WEEKLY_HEARTBEAT.job_id,
        last_success_at: WEEKLY_HEARTBEAT.last_success_at,
        verdict: 'stale',
        last_error_code: 'auth_failed',
      });
      expect(rows.dashboard).toMatchObject({
        source: 'this_export',
        status: 'dry_run',
        job_id: summary.job_id,
      });
      // obs-verify keeps a heartbeat too; this workspace has never run it
      expect(rows.verify).toMatchObject({ source: 'missing', verdict: 'never' });
      const alert = await page.locator('#alert-state').getAttribute('data-severity');
      expect(alert).toBe(latencyHeartbeat.alert_state.severity);
      // the headline names a failed last run, with its code, whatever its freshness says
      const headline = await page.locator('ul.headline li').allTextContents();
      expect(headline).toContain('✗ last run failed: weekly (auth_failed)');
      expect(headline.some((item) => item.startsWith('⚠ last run ended warning'))).toBe(
        latencyHeartbeat.status === 'warning',
      );
      await page.close();
    });

    it('draws the SLO line at the configured value and shades the breached windows', async () => {
      const { page } = await openPage(context, file);
      const latency = await readDataset(root, 'latency');
      const breached = latency.rows.filter((row: JsonDocument) => row.breach_flag === true);
      const clear = latency.rows.filter((row: JsonDocument) => row.breach_flag === false);
      expect(breached.length).toBeGreaterThan(0);
      const geometry = await page.evaluate(
        ({ slo, breachedAt, clearAt }) => {
          const plot = (window as unknown as PageWindow).obsDashboard.charts.latency;
          const sloSeries = plot.series.findIndex((series: { label?: string }) =>
            series.label?.startsWith('SLO'),
          );
          const mid = (row: { window_start: string; window_end: string }) =>
            (Date.parse(row.window_start) + Date.parse(row.window_end)) / 2000;
          return {
            sloValues: [...new Set(plot.data[sloSeries])],
            sloY: plot.valToPos(slo, 'y', true),
            breachX: plot.valToPos(mid(breachedAt), 'x', true),
            clearX: plot.valToPos(mid(clearAt), 'x', true),
          };
        },
        { slo: CONFIGURED_SLO_MS, breachedAt: breached[0], clearAt: clear[0] },
      );
      expect(geometry.sloValues).toEqual([CONFIGURED_SLO_MS]);
      expect(await page.locator('#slo').getAttribute('data-slo-p95-ms')).toBe(String(CONFIGURED_SLO_MS));
      // the dashed line: dark pixels along its row, none a few pixels off it
      expect(await pixelShare(page, 'latency', { y: geometry.sloY }, 'dark')).toBeGreaterThan(0.3);
      expect(await pixelShare(page, 'latency', { y: geometry.sloY - 6 }, 'dark')).toBeLessThan(0.05);
      // the shade fills the breached window's column and is absent from a clear one
      expect(await pixelShare(page, 'latency', { x: geometry.breachX }, 'breach')).toBeGreaterThan(0.5);
      expect(await pixelShare(page, 'latency', { x: geometry.clearX }, 'breach')).toBe(0);
      await page.close();
    });

    it('works offline and from a static host, requesting nothing but the page', async () => {
      await context.setOffline(true);
      try {
        const { page, activity } = await openPage(context, file);
        expect(activity.errors).toEqual([]);
        expect((await chartFigures(page)).latency?.drawn).toBe('true');
        await page.close();
      } finally {
        await context.setOffline(false);
      }
      const bytes = await readFile(file);
      const server: Server = createServer((request, response) => {
        response.writeHead(request.url === '/index.html' ? 200 : 404, {
          'content-type': 'text/html; charset=utf-8',
        });
        response.end(request.url === '/index.html' ? bytes : '');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/index.html`;
        const page = await context.newPage();
        const other: string[] = [];
        await page.route('**/*', (route) => {
          if (route.request().url() === url) return route.continue();
          other.push(route.request().url());
          return route.abort();
        });
        const errors: string[] = [];
        page.on('console', (message) => {
          if (message.type() === 'error') errors.push(message.text());
        });
        await page.goto(url);
        await page.waitForSelector('html[data-charts-ready="true"]');
        expect(other).toEqual([]);
        expect(errors).toEqual([]);
        await page.close();
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    });

    it('is usable at desktop and phone widths (screenshots, no sideways scrolling)', async () => {
      for (const [name, viewport] of [
        ['desktop', DESKTOP],
        ['phone', PHONE],
      ] as const) {
        const { page, activity } = await openPage(context, file, viewport);
        const widths = await page.evaluate(() => ({
          page: document.documentElement.scrollWidth,
          chart:
            document
              .querySelector<HTMLCanvasElement>('figure[data-chart="latency"] canvas')
              ?.getBoundingClientRect().width ?? 0,
        }));
        expect(widths.page, name).toBeLessThanOrEqual(viewport.width);
        expect(widths.chart, name).toBeGreaterThan(viewport.width * 0.6);
        expect(await screenshotVariance(page, context, name), name).toBeGreaterThan(10);
        expect(activity.errors).toEqual([]);
        await page.close();
      }
    });
  },
);
