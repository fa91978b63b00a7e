import { describe, expect, it } from 'vitest';
import { kpiSummaryFacts } from './kpi-summary-facts.js';

const summary = (overall: Record<string, unknown>, corrupt = 0, digestProblems: string[] = []) => ({
  status: 'ok',
  window: { from: '2026-11-17T13:20:00.000Z', until: '2026-11-24T13:20:00.000Z' },
  log: { corrupt_lines: corrupt, digest_problems: digestProblems },
  overall,
});

describe('the KPI report on a terminal', () => {
  it('gives the headline figures: runs, successes, failures by code, breaches, recovery', () => {
    const facts = kpiSummaryFacts(
      summary({
        runs: 28,
        success_ratio: 0.8929,
        failures_by_code: { a: 1, b: 3, c: 1, d: 1, e: 1, f: 1, g: 0 },
        warnings_by_code: { history_bundle_invalid: 96 },
        slo_breach: { episodes: 1, hours: 3 },
        recovery: { recoveries: 2, mean_seconds: 1800, unrecovered_since: '2026-11-24T12:35:00.000Z' },
      }),
    );
    expect(facts).toEqual([
      '2026-11-17T13:20Z → 2026-11-24T13:20Z: 28 runs, 89.3 % real successes',
      'failures: b 3, a 1, c 1, d 1, e 1, … 1 more',
      'warnings: history_bundle_invalid 96',
      'SLO breach: 1 episode(s), 3 h',
      'recovery: 2 recovered, in 30m on average; failing since 2026-11-24T12:35Z',
    ]);
  });

  it('an empty period says so; corrupt lines are named; a summary without figures gives none', () => {
    expect(kpiSummaryFacts(summary({ runs: 0, success_ratio: null, slo_breach: {} }, 2))).toEqual([
      '2026-11-17T13:20Z → 2026-11-24T13:20Z: 0 runs, no real run',
      'SLO breach: 0 episode(s), 0 h',
      '2 corrupt log line(s), counted apart (the report lists them)',
    ]);
    expect(kpiSummaryFacts({ status: 'error' })).toEqual([]);
  });

  it('says when KPI digests could not be used', () => {
    expect(kpiSummaryFacts(summary({ runs: 0, slo_breach: {} }, 0, ['a.kpi.json: not JSON']))).toContain(
      '1 KPI digest(s) unusable, segments read instead; nightly obs-verify rewrites them',
    );
  });
});
