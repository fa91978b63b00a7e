import { describe, expect, it } from 'vitest';
import { rebuildSummaryFacts } from './rebuild-summary-facts.js';

const summary = {
  kept: 37,
  reconstructed: 2,
  corrupt: 1,
  output: 'ops/automation_runs.log.rebuilt',
  last_sequence: 40,
};

describe('obs-verify rebuild-log on a terminal', () => {
  it('says what was kept, rebuilt and set aside, and that nothing was replaced without --apply', () => {
    expect(rebuildSummaryFacts({ ...summary, applied: false, backup: null })).toEqual([
      '37 entries kept, 2 reconstructed from artefacts, 1 corrupt line(s) set aside',
      'sequence numbered up to 40',
      'not applied: review ops/automation_runs.log.rebuilt, then run again with --apply to replace the log',
    ]);
  });

  it('with --apply, names the backup of the previous log; a failed run has no facts', () => {
    expect(
      rebuildSummaryFacts({
        ...summary,
        applied: true,
        backup: 'ops/automation_runs.log.20261124T135100Z.bak',
      }).at(-1),
    ).toBe(
      'applied: the log replaced, the previous one kept as ops/automation_runs.log.20261124T135100Z.bak',
    );
    expect(rebuildSummaryFacts({ status: 'error' })).toEqual([]);
  });
});
