import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDashboard, writeDashboardWorkspace, writeRollup } from '../dashboard/support/dashboard-run.js';
import { makeWorkspace } from '../support/cli-process.js';
import {
  chartFigures,
  HAS_CHROMIUM,
  launchBrowser,
  NO_CHROMIUM_REASON,
  openPage,
} from './support/page-browser.js';
import { PAGE } from './support/page-workspace.js';

/** Strings that would run script if the page let data through as markup. */
const HOSTILE = {
  strategy: '"><img src=x onerror="window.__injected=1"><svg onload="window.__injected=2">',
  execution: '</script><script>window.__injected=3</script><!--\u2028',
  command:
    'obs-dashboard </script><script>window.__injected=4</script> "><img src=x onerror=window.__injected=5>',
};

const sectionState = (page: Page, id: string) => page.locator(`section#${id}`).getAttribute('data-state');
const sectionText = (page: Page, id: string) => page.locator(`section#${id}`).textContent();

describe.skipIf(!HAS_CHROMIUM)(
  `the dashboard page on bad and edge data (${HAS_CHROMIUM ? 'chromium found' : NO_CHROMIUM_REASON})`,
  () => {
    let context: BrowserContext;
    let close: () => Promise<void>;
    const cleanups: (() => Promise<void>)[] = [];

    async function workspace(): Promise<string> {
      const { root, cleanup } = await makeWorkspace('obs-page-edge-');
      cleanups.push(cleanup);
      return root;
    }

    beforeAll(async () => {
      ({ context, close } = await launchBrowser());
    });
    afterAll(async () => {
      await close?.();
      await Promise.all(cleanups.map((cleanup) => cleanup()));
    });

    it('says what is missing on an empty workspace and draws no chart', async () => {
      const root = await workspace();
      const result = await runDashboard(root, ['--dry-run']);
      expect(result.exitCode).toBe(1);
      expect(result.json()).toMatchObject({ page: PAGE });
      expect(existsSync(join(root, 'out/dashboard/manifest.json'))).toBe(false);
      const { page, activity } = await openPage(context, join(root, PAGE));
      expect(await chartFigures(page)).toEqual({});
      for (const [id, input] of [
        ['latency', 'ops/signal_latency_rollup.csv'],
        ['ev', 'ops/state_archive'],
        ['turnover', 'runs/index.csv'],
      ] as const) {
        expect(await sectionState(page, id), id).toBe('failed');
        expect(await sectionText(page, id), id).toContain(input);
      }
      expect(await sectionText(page, 'health')).toContain('no heartbeat yet');
      expect(await page.locator('footer#provenance').textContent()).toContain('no manifest');
      expect(activity.errors).toEqual([]);
      await page.close();
    });

    it('draws a single rollup row, shaded when it breached', async () => {
      const root = await workspace();
      await writeDashboardWorkspace(root);
      await writeRollup(root, [
        '2026-11-24T11:00:00Z,2026-11-24T12:00:00Z,12,0,0,6400,7900,8800,9000,true,1',
      ]);
      expect((await runDashboard(root, ['--dry-run'])).exitCode).toBe(0);
      const { page, activity } = await openPage(context, join(root, PAGE));
      const figures = await chartFigures(page);
      expect(figures.latency).toEqual({ drawn: 'true', points: 1, expected: 1 });
      expect(figures.failure_rate).toEqual({ drawn: 'true', points: 1, expected: 1 });
      expect(await page.locator('figure[data-chart="latency"]').getAttribute('data-breach-ranges')).toBe('1');
      expect(await page.locator('#breach-table tbody tr').count()).toBe(1);
      expect(activity.errors).toEqual([]);
      await page.close();
    });

    it('says which dataset failed and renders the others', async () => {
      const root = await workspace();
      await writeDashboardWorkspace(root);
      expect((await runDashboard(root, ['--dry-run'])).exitCode).toBe(0);
      await rename(join(root, 'runs/index.csv'), join(root, 'runs/index.csv.moved'));
      const result = await runDashboard(root, ['--dry-run', '--now', '2026-11-24T12:25:00Z']);
      expect(result.exitCode).toBe(1);
      const { page, activity } = await openPage(context, join(root, PAGE));
      expect(await sectionState(page, 'turnover')).toBe('failed');
      const turnover = await sectionText(page, 'turnover');
      expect(turnover).toContain('missing_input');
      expect(turnover).toContain('runs/index.csv');
      expect(turnover).toContain('turnover.json from an earlier export');
      const figures = await chartFigures(page);
      expect(figures.turnover).toBeUndefined();
      expect(figures.latency?.drawn).toBe('true');
      expect(figures.ev?.drawn).toBe('true');
      for (const id of ['latency', 'ev', 'slippage']) expect(await sectionState(page, id), id).toBe('ok');
      expect(activity.errors).toEqual([]);
      await page.close();
    });

    it('shows hostile strategy names and provenance as text: no script from the data runs', async () => {
      const root = await workspace();
      await writeDashboardWorkspace(root);
      const series = join(root, 'ops/state_archive', HOSTILE.strategy, 'USDJPY', 'bridge');
      await mkdir(series, { recursive: true });
      for (const [stamp, alpha] of [
        ['20261122_101100', 30],
        ['20261123_101100', 20],
      ] as const) {
        await writeFile(
          join(series, `${stamp}.json`),
          JSON.stringify({
            ev_global: { alpha, beta: 50 - alpha, conf: 0.95 },
            slip: { a: { narrow: 0.02, normal: 0.05, wide: 0.1 } },
          }),
        );
      }
      await writeFile(
        join(root, 'reports/portfolio_samples/router_demo/telemetry.json'),
        JSON.stringify({
          generated_at: '2026-11-24T10:00:00Z',
          execution_health: { [HOSTILE.execution]: { slippage_bps: 9.5, reject_rate: 0.2, fill_count: 3 } },
        }),
      );
      await writeFile(join(root, 'ops/provenance.json'), JSON.stringify({ command: HOSTILE.command }));
      await rm(join(root, 'out'), { recursive: true, force: true });
      expect((await runDashboard(root, ['--dry-run', '--provenance', 'ops/provenance.json'])).exitCode).toBe(
        0,
      );

      const { page, activity } = await openPage(context, join(root, PAGE));
      expect(
        await page.evaluate(() => (window as unknown as { __injected?: number }).__injected),
      ).toBeUndefined();
      expect(await page.locator('img, svg').count()).toBe(0);
      expect(await page.locator('script').count()).toBe(3);
      expect(await page.locator('#ev-table').textContent()).toContain(HOSTILE.strategy);
      expect(await page.locator('#execution-table').textContent()).toContain(
        '</script><script>window.__injected=3</script>',
      );
      expect(await page.locator('footer#provenance').textContent()).toContain(HOSTILE.command);
      expect((await chartFigures(page)).ev?.drawn).toBe('true');
      expect(activity.errors).toEqual([]);
      await page.close();
    });
  },
);
