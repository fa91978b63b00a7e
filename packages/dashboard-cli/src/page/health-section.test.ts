import { describe, expect, it } from 'vitest';
import { healthSection } from './health-section.js';
import type { HealthRow } from './health-view.js';
import type { PageModel } from './page-model.js';

const row = (fields: Partial<HealthRow>): HealthRow => ({
  job: 'dashboard',
  binary: 'obs-dashboard',
  schedule: 'every 15 minutes',
  heartbeat: 'ops/dashboard_export_heartbeat.json',
  source: 'ok',
  lastRunAt: '2026-11-24T12:00:00.000Z',
  status: 'ok',
  jobId: '20261124T120000Z-dashboard',
  lastSuccessAt: '2026-11-24T12:00:00.000Z',
  verdict: 'on_time',
  dryRunOnly: false,
  lastErrorCode: null,
  lastErrorAt: null,
  lastWarningCode: null,
  ...fields,
});

const pageOf = (rows: HealthRow[]) =>
  healthSection({
    generatedAt: '2026-11-24T12:05:00.000Z',
    health: { jobs: rows, alert: null },
  } as unknown as PageModel);

/** The status cell of the first row: its markup and its data-warning-code. */
function statusCell(html: string): { html: string; code: string | undefined } {
  const match = /<td data-field="status" data-value="[^"]*" data-warning-code="([^"]*)">(.*?)<\/td>/.exec(
    html,
  );
  return { code: match?.[1], html: match?.[2] ?? '' };
}

describe('the health table', () => {
  it('shows under a warning status the code its run warned with', () => {
    const cell = statusCell(pageOf([row({ status: 'warning', lastWarningCode: 'history_bundle_invalid' })]));
    expect(cell.code).toBe('history_bundle_invalid');
    expect(cell.html).toContain('history_bundle_invalid');
  });

  it('shows no code under any other status, nor for a warning made by an alert alone', () => {
    expect(statusCell(pageOf([row({ status: 'dry_run', lastWarningCode: 'no_receiver' })])).code).toBe('');
    expect(statusCell(pageOf([row({ status: 'warning' })]))).toMatchObject({ code: '' });
  });
});
