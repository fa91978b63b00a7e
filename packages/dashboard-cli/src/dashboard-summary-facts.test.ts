import { describe, expect, it } from 'vitest';
import { dashboardSummaryFacts } from './dashboard-summary-facts.js';

describe('dashboardSummaryFacts', () => {
  it('says whether the history kept the bundle or refers to an earlier one', () => {
    const base = { sequence: 7 };
    expect(dashboardSummaryFacts({ ...base, history: { stored: 'copy', bundle: 'a' } })).toContain(
      'history: bundle kept',
    );
    expect(
      dashboardSummaryFacts({
        ...base,
        history: { stored: 'reference', bundle: '20261124T121000Z-dashboard' },
      }),
    ).toContain('history: same datasets as bundle 20261124T121000Z-dashboard');
    expect(dashboardSummaryFacts(base).some((fact) => fact.startsWith('history'))).toBe(false);
  });
});
