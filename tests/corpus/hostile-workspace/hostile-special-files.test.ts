import {
  DAILY,
  DASHBOARD,
  type JobUnderTest,
  LATENCY,
  REBUILD_LOG,
  VERIFY,
  WEEKLY,
} from '../support/jobs-under-test.js';
import {
  describeHostile,
  type HostileCase,
  type HostileOutcome,
  LATENCY_RECORD,
  VERIFY_BUNDLE,
} from './support/hostile-runner.js';
import { plantFile } from './support/plant.js';
import { describeSpecial, plantSpecial, type SpecialFile } from './support/special-files.js';

/**
 * Class 2 of the trust rules: every input of every job is opened without blocking and refused
 * when it is not a regular file — a FIFO, a device linked in — and every whole-file read is
 * capped (docs/runbook.md#security-and-trust): each run below ends on its own, at once, with the
 * refusal (`invalid_input`, or the job's own code for its files), its lock released. The
 * watchdog (hostile-watchdog.test.ts) runs every job on every such case under SIGTERM.
 */

const MIB = 1024 * 1024;
const STATE_EXPORT = 'ops/state_archive/day_orb_5m.DayORB5m/USDJPY/bridge/20261123_121100.json';
const TELEMETRY = 'reports/portfolio_samples/router_demo/telemetry.json';

function special(
  job: JobUnderTest,
  path: string,
  replacement: SpecialFile,
  outcome: HostileOutcome,
  more: Partial<HostileCase> = {},
): HostileCase {
  return {
    name: `${job.name}: ${path} is ${describeSpecial(replacement)}`,
    job,
    plant: (sandbox) => plantSpecial(sandbox.root, path, replacement),
    mentions: [path],
    ...outcome,
    ...more,
  };
}

const failed = (errorCode: string, exit: 0 | 1 | 2 = 1): HostileOutcome => ({
  exit,
  status: 'error',
  errorCode,
});

const latencyCases: HostileCase[] = [
  special(LATENCY, 'ops/signal_latency.csv', 'fifo', failed('input_unreadable')),
  special(LATENCY, 'ops/signal_latency.csv', '/dev/zero', failed('input_unreadable')),
  special(LATENCY, 'ops/signal_latency_rollup.csv', 'fifo', failed('input_unreadable')),
  special(LATENCY, 'ops/signal_latency_archive/manifest.jsonl', 'fifo', failed('input_unreadable')),
  special(LATENCY, 'ops/.signal_latency.csv.rotation.json', 'fifo', failed('archive_failed')),
  special(
    LATENCY,
    'ops/.signal_latency.csv.rotation.json',
    { sparseBytes: 2 * MIB },
    failed('archive_failed'),
  ),
  special(LATENCY, 'ops/latency_job_heartbeat.json', 'fifo', {
    exit: 0,
    status: 'dry_run',
    errorCode: 'heartbeat_corrupt',
  }),
  {
    ...special(LATENCY_RECORD, 'ops/incoming/samples.jsonl', 'fifo', failed('input_unreadable')),
    args: ['--from-jsonl', 'ops/incoming/samples.jsonl'],
  },
  {
    ...special(LATENCY_RECORD, 'ops/incoming/samples.jsonl', '/dev/urandom', failed('input_unreadable')),
    args: ['--from-jsonl', 'ops/incoming/samples.jsonl'],
  },
];

const weeklyCases: HostileCase[] = [
  special(WEEKLY, 'reports/portfolio_summary.json', 'fifo', failed('invalid_input')),
  special(WEEKLY, 'reports/portfolio_summary.json', '/dev/urandom', failed('invalid_input')),
  special(WEEKLY, 'reports/portfolio_summary.json', { sparseBytes: 65 * MIB }, failed('invalid_input')),
  special(WEEKLY, 'runs/index.csv', 'fifo', failed('invalid_input')),
  special(WEEKLY, 'runs/index.csv', '/dev/zero', failed('invalid_input')),
  special(WEEKLY, 'runs/USDJPY_conservative_20251008_101500/daily.csv', 'fifo', failed('invalid_input')),
  special(WEEKLY, 'ops/signal_latency_rollup.csv', 'fifo', failed('invalid_input')),
  special(WEEKLY, 'ops/signal_latency.csv', 'fifo', failed('invalid_input')),
  special(WEEKLY, 'ops/signal_latency_archive/manifest.jsonl', 'fifo', failed('invalid_input')),
  special(WEEKLY, 'ops/latency_job_heartbeat.json', 'fifo', failed('invalid_input')),
  {
    ...special(WEEKLY, 'ops/weekly_report_history/2025-10-06.json', 'fifo', failed('invalid_input')),
    // A real delivery run: the history is read before anything is sent (nothing is: no webhook is set).
    args: ['--retry-wait-seconds', '0'],
    plant: async (sandbox) => {
      await plantSpecial(sandbox.root, 'ops/weekly_report_history/2025-10-06.json', 'fifo');
      await plantFile(sandbox.root, 'ops/weekly_report_history/2025-10-06.sig', '{"signature":"x"}\n');
    },
  },
];

const dashboardCases: HostileCase[] = [
  special(DASHBOARD, STATE_EXPORT, 'fifo', failed('invalid_input')),
  special(DASHBOARD, STATE_EXPORT, '/dev/zero', failed('invalid_input')),
  special(DASHBOARD, TELEMETRY, 'fifo', failed('invalid_input')),
  special(DASHBOARD, TELEMETRY, '/dev/urandom', failed('invalid_input')),
  special(DASHBOARD, 'runs/index.csv', 'fifo', failed('invalid_input')),
  special(DASHBOARD, 'ops/signal_latency_rollup.csv', 'fifo', failed('invalid_input')),
  {
    ...special(DASHBOARD, 'in/provenance.json', 'fifo', failed('invalid_input')),
    extraArgs: ['--provenance', 'in/provenance.json'],
  },
  {
    ...special(DASHBOARD, 'in/provenance.json', '/dev/zero', failed('invalid_input')),
    extraArgs: ['--provenance', 'in/provenance.json'],
  },
];

const verifyFailed: HostileOutcome = { exit: 1, status: 'error', errorCode: 'verification_failed' };

/** The bundle's latency dataset replaced: the verification fails with `failure`, naming it. */
function bundleDataset(
  job: JobUnderTest,
  replacement: SpecialFile,
  failure: string,
  says: string,
): HostileCase {
  const outcome = { ...verifyFailed, failures: [failure] };
  return special(job, 'out/dashboard/latency.json', replacement, outcome, {
    mentions: ['"latency.json"', says],
  });
}

const verifyCases: HostileCase[] = [
  // The run's own entry cannot be appended there either: that failure is the run's code.
  special(VERIFY, 'ops/automation_runs.log', 'fifo', failed('log_write_failed')),
  special(VERIFY_BUNDLE, 'out/dashboard/manifest.json', 'fifo', {
    ...verifyFailed,
    failures: ['manifest_unreadable'],
  }),
  special(
    VERIFY_BUNDLE,
    'out/dashboard/manifest.json',
    { sparseBytes: 17 * MIB },
    { ...verifyFailed, failures: ['manifest_unreadable'] },
  ),
  {
    ...special(VERIFY_BUNDLE, 'out/dashboard/manifest.json', 'fifo', {
      ...verifyFailed,
      failures: ['manifest_unreadable'],
    }),
    name: 'verify bundle: --manifest /dev/zero is refused without reading it',
    plant: async () => undefined,
    extraArgs: ['--manifest', '/dev/zero'],
    mentions: ['/dev/zero'],
  },
  // Paths a bundle manifest names are shown relative to the bundle folder.
  bundleDataset(VERIFY_BUNDLE, 'fifo', 'invalid_input', 'FIFO'),
  bundleDataset(VERIFY_BUNDLE, '/dev/zero', 'path_not_allowed', 'symbolic link'),
  bundleDataset(VERIFY, 'fifo', 'invalid_input', 'FIFO'),
  special(REBUILD_LOG, 'ops/automation_runs.log', 'fifo', failed('log_write_failed')),
  special(
    REBUILD_LOG,
    'out/dashboard/manifest.json',
    'fifo',
    { exit: 0, status: 'warning', errorCode: 'artefacts_not_reconstructed' },
    {
      mentions: [],
      check: ({ summary, expect }) => expect(JSON.stringify(summary)).toContain('FIFO'),
    },
  ),
];

const dailyCases: HostileCase[] = [
  special(DAILY, 'configs/observability/automation.yaml', 'fifo', failed('invalid_config', 2)),
  special(DAILY, 'reports/portfolio_summary.json', 'fifo', failed('job_failed')),
];

describeHostile('hostile workspace, class 2: FIFOs, devices and oversized files as inputs', [
  ...latencyCases,
  ...weeklyCases,
  ...dashboardCases,
  ...verifyCases,
  ...dailyCases,
]);
