import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { FlagMigration } from '../../packages/automation-core/src/command-line/flag-migrations.js';
import { JOB_REGISTRY, type JobName } from '../../packages/automation-core/src/job-registry.js';
import { describeCommand } from '../../packages/automation-core/src/run-context.js';
import {
  startWebhookTestServer,
  type WebhookTestServer,
} from '../../packages/automation-core/src/test-support/webhook-test-server.js';
import { DAILY_EARLIER_FLAGS } from '../../packages/daily-workflow/src/earlier-flags.js';
import { DASHBOARD_EARLIER_FLAGS } from '../../packages/dashboard-cli/src/earlier-flags.js';
import { LATENCY_EARLIER_FLAGS } from '../../packages/latency-cli/src/earlier-flags.js';
import {
  BUNDLE_EARLIER_FLAGS,
  REBUILD_LOG_EARLIER_FLAGS,
  VERIFY_EARLIER_FLAGS,
} from '../../packages/verify-cli/src/earlier-flags.js';
import { WEEKLY_EARLIER_FLAGS } from '../../packages/weekly-cli/src/earlier-flags.js';
import {
  BIN,
  type CliResult,
  cleanEnv,
  makeWorkspace,
  REFERENCE_WORKSPACE,
  REPO_ROOT,
  runCli,
} from '../support/cli-process.js';

// Every earlier command line docs/migration.md documents runs twice on copies of one sample
// workspace: as written (the script replaced by its binary) and in its new form. Both must
// write the same files with the same content, apart from what names the command line itself
// (the recorded `command`) and wall-clock durations; the earlier form gets one deprecation
// notice per renamed flag. Every refused flag is refused saying what replaces it.

const execFileAsync = promisify(execFile);
const GUIDE = readFileSync(join(REPO_ROOT, 'docs/migration.md'), 'utf8');
const NOW = '2026-11-24T12:00:00Z';
const SECRET = 'migration-test-signing-secret-0123456789';

/** Each command's flag migrations, by the binary (and subcommand) that declares them. */
const DECLARED: Record<string, readonly FlagMigration[]> = {
  'obs-latency': LATENCY_EARLIER_FLAGS,
  'obs-weekly': WEEKLY_EARLIER_FLAGS,
  'obs-dashboard': DASHBOARD_EARLIER_FLAGS,
  'obs-verify': VERIFY_EARLIER_FLAGS,
  'obs-verify bundle': BUNDLE_EARLIER_FLAGS,
  'obs-verify rebuild-log': REBUILD_LOG_EARLIER_FLAGS,
  'obs-daily': DAILY_EARLIER_FLAGS,
};

/** The guide's table of earlier scripts: `scripts/x.py` (and a leading flag) → `obs-x [subcommand]`. */
const SCRIPTS = [
  ...GUIDE.matchAll(/^\| `((?:scripts|analysis)\/\S+\.py)[^`]*` \| `(obs-[a-z]+(?: [a-z-]+)*)[^`]*` \|$/gm),
].map((match) => ({ script: match[1] as string, command: (match[2] as string).split(' ') }));

interface DocumentedPair {
  earlier: string[];
  now: string[];
}

function words(line: string): string[] {
  return line.replace(/\\\n/g, ' ').trim().split(/\s+/);
}

/** The `# earlier` / `# now` pairs of the guide's sh blocks. */
const PAIRS: DocumentedPair[] = [...GUIDE.matchAll(/```sh\n# earlier\n([\s\S]*?)# now\n([\s\S]*?)```/g)].map(
  (match) => ({
    earlier: words(match[1] as string),
    now: words(match[2] as string),
  }),
);

/** The earlier line with its script replaced by the binary (and subcommand) the guide maps it to. */
function translated(earlier: string[]): string[] {
  const [interpreter, script, ...args] = earlier;
  expect(interpreter).toBe('python3');
  const mapping = SCRIPTS.find((entry) => entry.script === script);
  if (!mapping) throw new Error(`the guide maps no binary to ${script}`);
  return [...mapping.command, ...args];
}

function jobOf(binary: string): JobName {
  const job = JOB_REGISTRY.find((entry) => entry.binary === binary);
  if (!job) throw new Error(`no binary ${binary}`);
  return job.name;
}

let dir: string;
let cleanup: () => Promise<void>;
let base: string;
let webhook: WebhookTestServer;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  ({ root: dir, cleanup } = await makeWorkspace('obs-migration-'));
  webhook = await startWebhookTestServer({ path: '/weekly' });
  env = cleanEnv({
    OBS_NOW: NOW,
    OBS_WEEKLY_WEBHOOK_URL: webhook.url,
    OBS_NOTIFY_WEBHOOK_URL: webhook.url,
    OBS_WEBHOOK_SECRET: SECRET,
  });
  base = join(dir, 'base');
  await execFileAsync(process.execPath, [
    join(REPO_ROOT, 'scripts/sample-workspace.mjs'),
    base,
    '--anchor',
    NOW,
  ]);
  // The earlier repository held the schemas, the alert thresholds and the chain's automation.yaml.
  await cp(join(REPO_ROOT, 'schemas'), join(base, 'schemas'), { recursive: true });
  await mkdir(join(base, 'configs/observability'), { recursive: true });
  await writeFile(
    join(base, 'configs/observability/latency_alert.yaml'),
    'slo_p95_ms: 5000\nwarning_threshold: 2\ncritical_threshold: 3\nfailure_rate_threshold: 0.01\n',
  );
  // Its alerts reach a receiver, so that the nightly verification has nothing pending to report.
  await writeFile(
    join(base, 'configs/observability/notifications.yaml'),
    'receivers:\n  - { name: ops, type: generic, url_env: OBS_NOTIFY_WEBHOOK_URL, secret_env: OBS_WEBHOOK_SECRET }\ndefault_route: { receivers: [ops] }\n',
  );
  await writeFile(
    join(base, 'configs/observability/automation.yaml'),
    'latency:\n  args:\n    --job-name: observability-latency\n',
  );
  // One real chain: the state a nightly verification and a bundle check look at.
  const chain = await runCli(BIN.daily, ['--observability'], { cwd: base, env });
  expect(chain.exitCode, chain.stdout).toBe(0);
}, 120_000);

afterAll(async () => {
  await webhook?.close();
  await cleanup?.();
});

/**
 * What a run writes that names its own command line or measures wall-clock time, and the size
 * of a log entry shortened to its line limit, which counts both.
 */
const VOLATILE_KEYS = new Set([
  'command',
  'duration_ms',
  'lock_latency_ms',
  'response_ms',
  // obs-verify's log_segments check: how long reading the log took
  'read_ms',
  'mb_per_s',
  'logged_at',
  'original_bytes',
]);

/** The dashboard page shows the command, so its size and checksum in a manifest follow it. */
const PAGE_FIELDS_OF_THE_COMMAND = new Set(['bytes', 'checksum_sha256']);

function normalizedJson(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((entry) => normalizedJson(entry));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(
          ([name]) => !VOLATILE_KEYS.has(name) && !(key === 'page' && PAGE_FIELDS_OF_THE_COMMAND.has(name)),
        )
        .map(([name, entry]) => [name, normalizedJson(entry, name)]),
    );
  }
  return value;
}

/**
 * A file's content with the volatile fields removed, and the run's own command line (as the
 * dashboard page shows it) and workspace folder (the chain passes --root to its jobs) replaced.
 */
function normalizedContent(path: string, run: { root: string; args: readonly string[] }): unknown {
  const bytes = readFileSync(path);
  const text = (
    path.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8')
  ).replaceAll(run.root, '<root>');
  const asJson = (source: string) => {
    try {
      return normalizedJson(JSON.parse(source));
    } catch {
      return undefined;
    }
  };
  const whole = asJson(text);
  if (whole !== undefined) return whole;
  // A metrics textfile measures the run's wall-clock time too.
  if (path.endsWith('.prom'))
    return text.replace(/^(obs_job_duration_seconds\{[^}]*\}) .*$/gm, '$1 <duration>');
  const lines = text.split('\n').filter((line) => line !== '');
  if (lines.length > 0 && lines.every((line) => asJson(line) !== undefined)) return lines.map(asJson);
  const command = describeCommand(run.args);
  const html = command
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
  return text.replaceAll(html, '<command>').replaceAll(command, '<command>');
}

function filesBelow(root: string, below = ''): string[] {
  return readdirSync(join(root, below))
    .flatMap((name) =>
      statSync(join(root, below, name)).isDirectory()
        ? filesBelow(root, join(below, name))
        : [join(below, name)],
    )
    .sort();
}

async function runIn(
  name: string,
  argv: string[],
): Promise<{ root: string; args: string[]; result: CliResult }> {
  const root = join(dir, name);
  await cp(base, root, { recursive: true });
  const [binary = '', ...args] = argv;
  return { root, args, result: await runCli(BIN[jobOf(binary)], args, { cwd: root, env }) };
}

const DEPRECATION =
  /^(obs-[a-z]+): deprecated: (--[a-z-]+) is (--[a-z-]+) \(docs\/migration\.md#([a-z-]+)\)$/;

describe('the earlier command lines of docs/migration.md', () => {
  it('documents a pair for every earlier script', () => {
    expect(SCRIPTS.length).toBeGreaterThanOrEqual(7);
    for (const { script } of SCRIPTS)
      expect(
        PAIRS.some((pair) => pair.earlier[1] === script),
        script,
      ).toBe(true);
  });

  it.each(PAIRS.map((pair, index) => [`${index + 1}: ${pair.earlier.slice(1).join(' ')}`, pair] as const))(
    '%s writes what its new form writes',
    async (label, pair) => {
      const [earlier, now] = await Promise.all([
        runIn(`earlier-${label.split(':')[0]}`, translated(pair.earlier)),
        runIn(`now-${label.split(':')[0]}`, pair.now),
      ]);
      expect(earlier.result.exitCode, earlier.result.stdout).toBe(now.result.exitCode);
      expect(now.result.exitCode, now.result.stdout).toBe(0);
      expect(normalizedJson(earlier.result.json())).toEqual(normalizedJson(now.result.json()));
      const files = filesBelow(now.root);
      expect(filesBelow(earlier.root)).toEqual(files);
      for (const file of files) {
        expect(normalizedContent(join(earlier.root, file), earlier), file).toEqual(
          normalizedContent(join(now.root, file), now),
        );
      }

      // One notice per renamed flag of the earlier line, naming its replacement and section.
      const command = pair.now
        .filter((word) => !word.startsWith('--'))
        .slice(0, 2)
        .join(' ');
      const renamed = (DECLARED[command] ?? DECLARED[pair.now[0] ?? ''] ?? []).filter(
        (migration) => migration.kind === 'renamed' && pair.earlier.includes(migration.flag),
      );
      const notices = earlier.result.stderr.split('\n').filter((line) => line.includes(': deprecated: '));
      expect(notices.map((notice) => DEPRECATION.exec(notice)?.slice(1))).toEqual(
        renamed.map((migration) => [pair.now[0], migration.flag, migration.replacement, migration.anchor]),
      );
      for (const migration of renamed) {
        expect(pair.now).toContain(migration.replacement);
        expect(GUIDE).toContain(`<a id="${migration.anchor}"></a>`);
      }
      expect(now.result.stderr).not.toContain('deprecated');
    },
  );
});

/** The guide's table of flags: anchor, flag, binaries, renamed or refused. */
const FLAG_ROWS = [
  ...GUIDE.matchAll(/^\| <a id="([a-z-]+)"><\/a>`(--[a-z-]+)[^`]*`[^|]*\| ([^|]+) \| (renamed|refused) \|/gm),
].map((match) => ({
  anchor: match[1] as string,
  flag: match[2] as string,
  binaries: (match[3] as string).split(',').map((name) => name.trim()),
  kind: match[4] as 'renamed' | 'refused',
}));

describe('the flags of the earlier tooling', () => {
  it('has a row in the guide for every flag migration the binaries declare, and no other', () => {
    const declared = Object.entries(DECLARED).flatMap(([command, migrations]) =>
      migrations
        .filter((migration) => migration.flag !== '--dry-run')
        .map(
          (migration) =>
            `${command.split(' ')[0]} ${migration.flag} ${migration.kind === 'renamed' ? 'renamed' : 'refused'} #${migration.anchor}`,
        ),
    );
    const documented = FLAG_ROWS.flatMap((row) =>
      row.binaries.map((binary) => `${binary} ${row.flag} ${row.kind} #${row.anchor}`),
    );
    expect(documented.sort()).toEqual(declared.sort());
    expect(GUIDE).toContain('<a id="dry-run"></a>');
  });

  it('exercises every renamed flag in a documented command line', () => {
    for (const row of FLAG_ROWS.filter((entry) => entry.kind === 'renamed')) {
      expect(
        PAIRS.some((pair) => pair.earlier.includes(row.flag)),
        row.flag,
      ).toBe(true);
    }
  });

  it.concurrent.for(
    FLAG_ROWS.filter((row) => row.kind === 'refused').flatMap((row) =>
      row.binaries.map((binary) => [binary, row.flag, row] as const),
    ),
  )('%s %s is refused with what replaces it', async ([binary, flag, row], { expect }) => {
    const value = 'https://hooks.example.com/services/T0/B0/secret-path';
    const result = await runCli(BIN[jobOf(binary)], [flag, value, '--root', base], { env });
    expect(result.exitCode).toBe(2);
    expect(result.json().diagnostics).toMatchObject({ error_code: 'invalid_usage', flag });
    expect(result.stderr).toMatch(
      new RegExp(
        `^${binary}: invalid_usage: ${flag} is not supported: .+ \\(docs/migration\\.md#${row.anchor}\\)\\n$`,
      ),
    );
    // A value given with a refused flag may be a secret: it is quoted nowhere.
    expect(`${result.stdout}${result.stderr}`).not.toContain('secret-path');
  });

  it.skipIf(!existsSync(REFERENCE_WORKSPACE))(
    'accepts every flag the earlier automation.yaml passes (reference workspace)',
    async () => {
      const config = parse(
        readFileSync(join(REFERENCE_WORKSPACE, 'configs/observability/automation.yaml'), 'utf8'),
      ) as Record<string, { args: Record<string, unknown> }>;
      const result = await runCli(
        BIN.daily,
        [
          '--observability',
          '--config',
          join(REFERENCE_WORKSPACE, 'configs/observability/automation.yaml'),
          '--config-dump',
        ],
        { cwd: base, env },
      );
      expect(result.exitCode, result.stdout).toBe(0);
      expect(result.stderr).toBe('');
      expect(Object.keys(result.json().jobs)).toEqual(Object.keys(config));
    },
  );
});
