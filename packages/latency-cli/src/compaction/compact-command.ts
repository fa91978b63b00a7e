import { type CommandDefinition, failureSummary } from '@obs-automation/core';
import type { LatencyConfig } from '../latency-config.js';
import { LATENCY_CONFIG } from '../latency-options.js';
import { compactSummaryFacts } from '../latency-summary-facts.js';
import { COMPACT_COMMAND_NAME, COMPACT_OPTIONS, type CompactOptions } from './compact-options.js';

export const compactCommand: CommandDefinition<
  typeof COMPACT_OPTIONS.declarations,
  CompactOptions,
  LatencyConfig
> = {
  name: COMPACT_COMMAND_NAME,
  description:
    'Folds per-run latency archives (<job_id>.csv.gz, written before day archives) into one archive per UTC day ' +
    '(YYYY/MM/YYYY-MM-DD.csv.gz), under the lock the latency job uses. Each day is one step: the rows are appended ' +
    'to the day archive, one manifest line records it and replaces the folded archives, their deletions are recorded, ' +
    'then they are deleted. A killed run is finished or undone by the next compact-archives or latency run. Writes no ' +
    'run-log entry.',
  examples: [
    'obs-latency compact-archives --dry-run',
    'obs-latency compact-archives',
    'obs-latency compact-archives --archive-dir ops/signal_latency_archive --lock-wait-seconds 300',
  ],
  options: COMPACT_OPTIONS,
  config: LATENCY_CONFIG,
  commonOptions: ['root', 'config', 'now', 'lockStaleSeconds', 'jsonOut', 'configDump'],
  describeSummary: compactSummaryFacts,
  // The compaction and its journal's validator load when it runs: --help never pays for them.
  execute: (options, context) =>
    import('./compact-run.js')
      .then(({ runCompaction }) => runCompaction(options, context))
      .catch((error: unknown) =>
        failureSummary(COMPACT_COMMAND_NAME, error, context.common.now, performance.now()),
      ),
};
