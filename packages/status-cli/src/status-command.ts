import { type CommandDefinition, dryRunRefused, usageError } from '@obs-automation/core';
import { checkWorkspace, statusResult } from './status-check.js';
import { STATUS_CONFIG, STATUS_OPTIONS, type StatusOptions } from './status-options.js';
import { renderStatusScreen } from './status-screen.js';
import { watchStatus } from './status-watch.js';

/**
 * obs-status: one screen answering "is the automation healthy, and if not, what do I do?". It
 * reads heartbeats, the run log's end, the sequence file and the dashboard manifest; it takes no
 * lock and writes nothing (no log entry either: a check run every minute by a monitoring system
 * would otherwise fill the log it reads).
 */
export const statusCommand: CommandDefinition<typeof STATUS_OPTIONS.declarations, StatusOptions> = {
  name: 'status',
  description: [
    'Is the automation healthy, and if not, what to do: every job’s last run, last real success',
    'against its schedule (on time, late, stale, never, clock skew), last error with its runbook',
    'anchor and streaks; the latency alert and p95 against the SLO, pending notifications, the',
    'last weekly report, the dashboard bundle and the run log’s sequence. Reads only: no lock, no',
    'log entry, nothing written (but --json-out).',
  ].join(' '),
  examples: [
    'obs-status',
    'obs-status --json | jq .findings',
    'obs-status --watch 30',
    'obs-status --jobs latency,weekly,dashboard,daily --stale-after weekly=6h',
  ],
  exitCodes: 'Exit codes: 0 healthy; 1 something needs attention; 2 invalid usage or config.',
  options: STATUS_OPTIONS,
  // It writes nothing, so there is nothing to rehearse.
  flagMigrations: [dryRunRefused('obs-status only reads: run it as it is')],
  config: STATUS_CONFIG,
  commonOptions: ['root', 'config', 'now', 'logFile', 'sequenceFile', 'jsonOut', 'configDump'],
  renderForTerminal: renderStatusScreen,
  async execute(options, context) {
    const startedMs = performance.now();
    if (options.watch !== undefined) {
      if (!process.stdout.isTTY || context.common.output.json || context.common.output.pretty) {
        throw usageError(
          '--watch redraws a terminal: without one (or with --json), run obs-status from a scheduler instead',
          { flag: '--watch' },
        );
      }
      return watchStatus(options.watch, context, (now) => checkWorkspace(options, context, now));
    }
    const now = context.common.now;
    return statusResult(await checkWorkspace(options, context, now), now, startedMs);
  },
};
