import { describe, expect, it } from 'vitest';
import { chainJobSummaries, dailySummaryFacts } from './daily-summary-facts.js';

const chain = {
  status: 'warning',
  jobs: [
    {
      job: 'latency',
      status: 'warning',
      summary: { diagnostics: { warnings: ['rows archived to a per-run archive'] } },
    },
    {
      job: 'weekly',
      status: 'ok',
      summary: { alerts: [{ severity: 'critical', id: 'latency_breach' }], diagnostics: {} },
    },
    {
      job: 'dashboard',
      status: 'warning',
      summary: { diagnostics: { error_code: 'history_bundle_invalid' } },
    },
    { job: 'garbage', status: 'ok', summary: 'not an object' },
  ],
};

describe('the chain on a terminal', () => {
  it('names each job with its code, its uncoded warnings as run_warning, or its alerts', () => {
    expect(dailySummaryFacts(chain)).toEqual([
      'latency    warning  run_warning',
      'weekly     ok       critical latency_breach',
      'dashboard  warning  history_bundle_invalid',
      'garbage    ok',
    ]);
  });

  it('hands on the jobs’ own summaries, and only objects', () => {
    expect(chainJobSummaries(chain)).toEqual(chain.jobs.slice(0, 3).map((job) => job.summary));
    expect(chainJobSummaries({ jobs: 'x' })).toEqual([]);
  });
});
