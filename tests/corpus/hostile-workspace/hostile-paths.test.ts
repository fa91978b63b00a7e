import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WORKSPACE_LAYOUT } from '../../../packages/automation-core/src/workspace-layout.js';
import { cleanEnv, runCli } from '../../support/cli-process.js';
import { DASHBOARD, LATENCY, VERIFY, WEEKLY } from '../support/jobs-under-test.js';
import {
  DASHBOARD_EXPORT,
  describeHostile,
  type HostileCase,
  VERIFY_BUNDLE,
} from './support/hostile-runner.js';
import { editJson, jsonLines, plantFile, plantJson, plantLink } from './support/plant.js';
import { type Sandbox, sentinelFiles, sha256 } from './support/sandbox.js';

/**
 * Class 1 of the trust rules: every path read from a workspace file — a rotation journal, an
 * archive manifest, a dashboard manifest, a history record, a run log entry, a config file —
 * resolves inside the root (or the bundle folder), after links, names a regular file and is one
 * that file may name; otherwise it is refused with the job's code and shown relative and
 * quoted, and nothing outside is opened (docs/runbook.md#security-and-trust).
 */

const {
  latencyRaw: RAW,
  latencyArchiveManifest: ARCHIVE_MANIFEST,
  dashboardManifest: BUNDLE_MANIFEST,
  runLog: LOG,
  sequenceFile: SEQUENCE,
} = WORKSPACE_LAYOUT;
const JOURNAL = 'ops/.signal_latency.csv.rotation.json';

/** A rotation journal as a killed run leaves it, with `fields` replaced. */
function journal(sandbox: Sandbox, fields: Record<string, unknown>) {
  const archive = 'ops/signal_latency_archive/2025/10/20251006T114500Z-latency.csv.gz';
  return {
    job_id: '20251006T114500Z-latency',
    raw_path: join(sandbox.root, RAW),
    raw_temp: join(sandbox.root, 'ops/.signal_latency.csv.tmp-host-1-0badf00d'),
    raw_temp_inode: '1',
    raw_temp_bytes: 0,
    raw_bytes_consumed: 0,
    archive_path: join(sandbox.root, archive),
    manifest_path: join(sandbox.root, ARCHIVE_MANIFEST),
    manifest_entry_path: archive,
    ...fields,
  };
}

function journalCase(
  name: string,
  fields: (sandbox: Sandbox) => Record<string, unknown>,
  mentions: string[] = [],
): HostileCase {
  return {
    name: `latency rotation journal: ${name}`,
    job: LATENCY,
    plant: (sandbox) => plantJson(sandbox.root, JOURNAL, journal(sandbox, fields(sandbox))),
    exit: 1,
    status: 'error',
    errorCode: 'archive_failed',
    mentions: [JOURNAL, ...mentions],
    check: async ({ sandbox, expect }) => {
      // Refused, not acted on: the journal stays for the operator, the raw file is untouched.
      expect(await readFile(join(sandbox.root, JOURNAL), 'utf8')).toContain('job_id');
    },
  };
}

/** An archive manifest line for the sentinel archive, dated inside the latency and weekly windows. */
function archiveLine(path: string, sandbox: Sandbox) {
  const gz = sentinelFiles(sandbox.marker)['2025/10/sentinel.csv.gz'] as Buffer;
  return {
    job_id: '20251006T110000Z-latency',
    path,
    sha256: sha256(gz),
    row_count: 2,
    first_ts: '2025-10-06T11:00:00Z',
    last_ts: '2025-10-06T11:00:00Z',
    reason: 'retention',
    rotated_at: '2025-10-06T11:00:00Z',
  };
}

/** Plants an archive manifest whose one line names `path` (root-relative) for the sentinel archive. */
const archiveManifestNaming = (path: string) => (sandbox: Sandbox) =>
  plantFile(sandbox.root, ARCHIVE_MANIFEST, jsonLines(archiveLine(path, sandbox)));

const latencyCases: HostileCase[] = [
  journalCase(
    'temporary raw file outside the root (a roll-back would delete it)',
    (sandbox) => ({ raw_temp: join(sandbox.outside, 'sentinel.txt') }),
    ['is outside its folder'],
  ),
  journalCase(
    'archive outside the root (a roll-back would delete it)',
    (sandbox) => ({ archive_path: join(sandbox.outside, '2025/10/sentinel.csv.gz') }),
    ['is outside its folder'],
  ),
  journalCase('raw file that is not this run’s (a roll-forward would overwrite it)', (sandbox) => ({
    raw_path: join(sandbox.outside, 'sentinel.csv'),
  })),
  journalCase('archive path naming the archive manifest itself', (sandbox) => ({
    archive_path: join(sandbox.root, ARCHIVE_MANIFEST),
  })),
  {
    ...journalCase('archive reached through a symlinked parent folder', (sandbox) => ({
      archive_path: join(sandbox.root, 'ops/signal_latency_archive/2025/10/sentinel.csv.gz'),
      manifest_entry_path: 'ops/signal_latency_archive/2025/10/sentinel.csv.gz',
    })),
    plant: async (sandbox) => {
      await plantLink(sandbox.root, 'ops/signal_latency_archive/2025', join(sandbox.outside, 'folder/2025'));
      await plantJson(
        sandbox.root,
        JOURNAL,
        journal(sandbox, {
          archive_path: join(sandbox.root, 'ops/signal_latency_archive/2025/10/sentinel.csv.gz'),
          manifest_entry_path: 'ops/signal_latency_archive/2025/10/sentinel.csv.gz',
        }),
      );
    },
  },
  {
    ...journalCase('temporary file that is a link to another file of the root', (sandbox) => ({
      raw_temp: join(sandbox.root, 'ops/.signal_latency.csv.tmp-host-1-0badf00d'),
    })),
    plant: async (sandbox) => {
      await plantFile(sandbox.root, 'ops/keep.txt', 'not the journal’s to touch\n');
      await plantLink(
        sandbox.root,
        'ops/.signal_latency.csv.tmp-host-1-0badf00d',
        join(sandbox.root, 'ops/keep.txt'),
      );
      await plantJson(sandbox.root, JOURNAL, journal(sandbox, {}));
    },
    mentions: [JOURNAL, 'symbolic link'],
    check: async ({ sandbox, expect }) => {
      expect(await readFile(join(sandbox.root, 'ops/keep.txt'), 'utf8')).toBe('not the journal’s to touch\n');
    },
  },
  {
    name: 'latency archive manifest: an archive outside the root is not read back',
    job: LATENCY,
    plant: archiveManifestNaming('../outside/2025/10/sentinel.csv.gz'),
    exit: 0,
    status: 'dry_run',
    errorCode: null,
    check: ({ summary, expect }) => {
      expect(JSON.stringify(summary)).toContain('\\"../outside/2025/10/sentinel.csv.gz\\"');
      expect(summary.samples_analyzed).toBe(6);
    },
  },
];

/** obs-weekly leaves out an archive whose path its manifest line may not name, and reports it. */
function weeklyArchiveCase(
  name: string,
  path: string,
  unusable: { file: unknown; reason: string },
  plantMore?: (sandbox: Sandbox) => Promise<void>,
): HostileCase {
  return {
    name: `weekly archive manifest: ${name}`,
    job: WEEKLY,
    plant: async (sandbox) => {
      await plantMore?.(sandbox);
      await archiveManifestNaming(path)(sandbox);
    },
    exit: 0,
    status: 'dry_run',
    errorCode: null,
    check: ({ summary, expect }) =>
      expect(summary.diagnostics.latency_archives_unusable).toEqual([
        { file: unusable.file, reason: expect.stringContaining(unusable.reason) },
      ]),
  };
}

const weeklyCases: HostileCase[] = [
  weeklyArchiveCase('an archive outside the root', '../outside/2025/10/sentinel.csv.gz', {
    file: '"../outside/2025/10/sentinel.csv.gz"',
    reason: 'is outside the workspace root',
  }),
  weeklyArchiveCase(
    'an archive reached through a symlinked parent folder',
    'ops/signal_latency_archive/2025/10/sentinel.csv.gz',
    { file: '"ops/signal_latency_archive/2025/10/sentinel.csv.gz"', reason: 'symbolic link' },
    (sandbox) =>
      plantLink(sandbox.root, 'ops/signal_latency_archive/2025', join(sandbox.outside, 'folder/2025')),
  ),
  weeklyArchiveCase('a path that is not an archive path', 'reports/portfolio_summary.csv.gz', {
    file: '"reports/portfolio_summary.csv.gz"',
    reason: 'may name',
  }),
];

/** Runs obs-dashboard once so the bundle has a previous manifest to carry entries from. */
async function exportOnce(sandbox: Sandbox): Promise<void> {
  const args = ['--root', sandbox.root, '--now', DASHBOARD.now, ...DASHBOARD.args];
  const result = await runCli(DASHBOARD.binary, args, { env: cleanEnv() });
  if (result.exitCode !== 0) throw new Error(`the first export failed: ${result.stdout}`);
}

const dashboardCases: HostileCase[] = [
  {
    name: 'dashboard previous manifest: a carried dataset outside the bundle',
    job: DASHBOARD_EXPORT,
    extraArgs: ['--dataset', 'latency'],
    plant: async (sandbox) => {
      await exportOnce(sandbox);
      await editJson(sandbox.root, BUNDLE_MANIFEST, (manifest) => {
        manifest.datasets[0].path = '../../../outside/sentinel.json';
      });
    },
    exit: 0,
    status: 'ok',
    errorCode: null,
    check: ({ summary, expect }) => expect(summary.diagnostics.dropped_datasets).toContain('ev_history'),
  },
  {
    name: 'dashboard previous manifest: a carried dataset that is a link leading out of the bundle',
    job: DASHBOARD_EXPORT,
    extraArgs: ['--dataset', 'latency'],
    plant: async (sandbox) => {
      await exportOnce(sandbox);
      await plantLink(sandbox.root, 'out/dashboard/ev_history.json', join(sandbox.outside, 'sentinel.json'));
    },
    exit: 0,
    status: 'ok',
    errorCode: null,
    check: ({ summary, expect }) => expect(summary.diagnostics.dropped_datasets).toContain('ev_history'),
  },
];

function bundleEntryCase(
  name: string,
  path: (sandbox: Sandbox) => string,
  plantMore?: (sandbox: Sandbox) => Promise<void>,
): HostileCase {
  return {
    name: `verify bundle: a dataset path ${name}`,
    job: VERIFY_BUNDLE,
    plant: async (sandbox) => {
      await plantMore?.(sandbox);
      await editJson(sandbox.root, BUNDLE_MANIFEST, (manifest) => {
        manifest.datasets[0].path = path(sandbox);
      });
    },
    exit: 1,
    status: 'error',
    errorCode: 'verification_failed',
    failures: ['path_not_allowed'],
  };
}

const bundleCases: HostileCase[] = [
  {
    ...bundleEntryCase('climbing to /etc/passwd', () => '../../../../etc/passwd'),
    mentions: ['"../../../../etc/passwd"', 'is outside its folder'],
  },
  {
    ...bundleEntryCase('climbing out to a sentinel', () => '../../../outside/sentinel.json'),
    mentions: ['"../../../outside/sentinel.json"'],
  },
  bundleEntryCase(
    'that is absolute and outside (no file of its name beside the manifest)',
    () => '/etc/passwd',
  ),
  {
    ...bundleEntryCase(
      'that is a link inside the bundle leading out',
      () => 'ev_history.json',
      async (sandbox) => {
        await plantLink(
          sandbox.root,
          'out/dashboard/ev_history.json',
          join(sandbox.outside, 'sentinel.json'),
        );
      },
    ),
    mentions: ['through a symbolic link'],
  },
  bundleEntryCase(
    'through a symlinked folder inside the bundle',
    () => 'sub/sentinel.json',
    async (sandbox) => {
      await plantLink(sandbox.root, 'out/dashboard/sub', join(sandbox.outside, 'folder'));
    },
  ),
  {
    name: 'verify bundle: a page path outside the bundle',
    job: VERIFY_BUNDLE,
    plant: (sandbox) =>
      editJson(sandbox.root, BUNDLE_MANIFEST, (manifest) => {
        manifest.page = { path: '../../../outside/sentinel.html', checksum_sha256: '0'.repeat(64), bytes: 1 };
      }),
    exit: 1,
    status: 'error',
    errorCode: 'verification_failed',
    failures: ['path_not_allowed'],
    mentions: ['"../../../outside/sentinel.html"'],
  },
  {
    name: 'verify (nightly dashboard_manifest check): a dataset path climbing to /etc/passwd',
    job: VERIFY,
    plant: (sandbox) =>
      editJson(sandbox.root, BUNDLE_MANIFEST, (manifest) => {
        manifest.datasets[0].path = '../../../../etc/passwd';
      }),
    exit: 1,
    status: 'error',
    errorCode: 'verification_failed',
    failures: ['path_not_allowed'],
    mentions: ['"../../../../etc/passwd"'],
  },
];

const TRACED = '20251006T113000Z-latency';
const TRACED_WEEKLY = '20251006T113000Z-weekly';

/** Appends one log entry of the traced job listing `artefacts` (sequence 7 after the workspace's six). */
async function logTraced(sandbox: Sandbox, jobId: string, artefacts: string[]): Promise<void> {
  const entry = {
    job_id: jobId,
    job_name: jobId.split('-').at(-1),
    status: 'ok',
    sequence: 7,
    logged_at: '2025-10-06T11:30:00.000Z',
    started_at: '2025-10-06T11:30:00.000Z',
    duration_ms: 5,
    attempts: 1,
    artefacts,
    alerts: [],
    diagnostics: {},
    context: { commit_sha: 'test-sha', environment: 'production', scheduler: 'cron' },
  };
  const log = await readFile(join(sandbox.root, LOG), 'utf8');
  await plantFile(sandbox.root, LOG, `${log}${JSON.stringify(entry)}\n`);
  await plantJson(sandbox.root, SEQUENCE, { value: 7, updated_at: '2025-10-06T11:30:00.000Z' });
}

function traceCase(
  name: string,
  jobId: string,
  plant: (sandbox: Sandbox) => Promise<void>,
  mentions: string[] = [],
): HostileCase {
  return {
    name: `verify --job-id trace: ${name}`,
    job: VERIFY,
    extraArgs: ['--job-id', jobId, '--require-job-entry'],
    plant,
    exit: 1,
    status: 'error',
    errorCode: 'verification_failed',
    failures: ['path_not_allowed'],
    mentions,
  };
}

const WEEKLY_HISTORY = 'ops/weekly_report_history/manifest.jsonl';

/** A weekly history manifest recording a delivery of the traced weekly run whose payload is `path`. */
const weeklyHistoryNaming = (path: string) => async (sandbox: Sandbox) => {
  const record = {
    event: 'delivered',
    week_start: '2025-09-29',
    job_id: TRACED_WEEKLY,
    path,
    checksum_sha256: '0'.repeat(64),
    delivered_at: '2025-10-06T11:30:00.000Z',
    webhook_status_code: 200,
    attempts: 1,
  };
  await plantFile(sandbox.root, WEEKLY_HISTORY, jsonLines(record));
  await logTraced(sandbox, TRACED_WEEKLY, [WEEKLY_HISTORY]);
};

const traceCases: HostileCase[] = [
  traceCase(
    'a log entry’s artefact outside the root',
    TRACED,
    (sandbox) => logTraced(sandbox, TRACED, ['../outside/sentinel.json']),
    ['"../outside/sentinel.json"'],
  ),
  traceCase('a log entry’s artefact that is a link leading out', TRACED, async (sandbox) => {
    await plantLink(sandbox.root, 'out/report.json', join(sandbox.outside, 'sentinel.json'));
    await logTraced(sandbox, TRACED, ['out/report.json']);
  }),
  traceCase(
    'an archive manifest line naming an archive outside the root',
    TRACED,
    async (sandbox) => {
      const line = { ...archiveLine('../outside/2025/10/sentinel.csv.gz', sandbox), job_id: TRACED };
      await plantFile(sandbox.root, ARCHIVE_MANIFEST, jsonLines(line));
      await logTraced(sandbox, TRACED, [ARCHIVE_MANIFEST]);
    },
    ['"../outside/2025/10/sentinel.csv.gz"'],
  ),
  traceCase(
    'a dashboard manifest of the traced run naming a dataset outside its folder',
    TRACED,
    async (sandbox) => {
      await editJson(sandbox.root, BUNDLE_MANIFEST, (manifest) => {
        manifest.job_id = TRACED;
        manifest.datasets[0].path = '../../../outside/sentinel.json';
      });
      await logTraced(sandbox, TRACED, [BUNDLE_MANIFEST]);
    },
  ),
  traceCase(
    'a weekly history record naming a file outside the root',
    TRACED_WEEKLY,
    weeklyHistoryNaming('../../../outside/sentinel.json'),
  ),
  traceCase(
    'a weekly history record naming a file outside its folder',
    TRACED_WEEKLY,
    weeklyHistoryNaming('ops/latency_job_heartbeat.json'),
    ['"ops/latency_job_heartbeat.json"', 'may name'],
  ),
];

function configCase(
  name: string,
  job: HostileCase['job'],
  config: string,
  text: (sandbox: Sandbox) => string,
  plantMore?: (sandbox: Sandbox) => Promise<void>,
): HostileCase {
  return {
    name: `config: ${name}`,
    job,
    plant: async (sandbox) => {
      await plantMore?.(sandbox);
      await plantFile(sandbox.root, config, text(sandbox));
    },
    exit: 2,
    status: 'error',
    errorCode: 'invalid_config',
    mentions: [config],
  };
}

const configCases: HostileCase[] = [
  {
    ...configCase(
      'latency.yaml names a raw file outside the root',
      LATENCY,
      'configs/observability/latency.yaml',
      () => 'input: ../outside/sentinel.csv\n',
    ),
    mentions: ['configs/observability/latency.yaml', 'input', '"../outside/sentinel.csv"'],
  },
  configCase(
    'weekly_payload.yaml names a portfolio summary outside the root',
    WEEKLY,
    'configs/observability/weekly_payload.yaml',
    (sandbox) => `portfolio_summary: ${join(sandbox.outside, 'sentinel.json')}\n`,
  ),
  configCase(
    'dashboard_export.yaml names a state archive through a symlinked folder',
    DASHBOARD,
    'configs/observability/dashboard_export.yaml',
    () => 'paths:\n  state_archive_root: "{ROOT}/linked/state"\n',
    (sandbox) => plantLink(sandbox.root, 'linked', join(sandbox.outside, 'folder')),
  ),
  configCase(
    'dashboard_export.yaml names a provenance file outside the root',
    DASHBOARD,
    'configs/observability/dashboard_export.yaml',
    () => 'provenance: ../outside/sentinel.json\n',
  ),
];

describeHostile('hostile workspace, class 1: paths read from workspace files', [
  ...latencyCases,
  ...weeklyCases,
  ...dashboardCases,
  ...bundleCases,
  ...traceCases,
  ...configCases,
]);
