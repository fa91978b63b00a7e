import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import {
  type RecordedRequest,
  startWebhookTestServer,
  type WebhookTestServer,
} from '../../../packages/automation-core/src/test-support/webhook-test-server.js';
import { generateSampleWorkspace } from '../../../scripts/sample-workspace.mjs';
import {
  BIN,
  type CliResult,
  cleanEnv,
  makeWorkspace,
  type RunCliOptions,
  runCli,
} from '../../support/cli-process.js';

/** A Monday: the chain reports the week of 2025-09-29; the sample's latency breach is critical. */
export const NOW = Date.parse('2025-10-06T12:00:00Z');
export const SIGNING_SECRET = 'notification-e2e-signing-secret-0123456789';
export const LOG = 'ops/automation_runs.log';
export const NOTIFICATIONS = 'configs/observability/notifications.yaml';

// biome-ignore lint/suspicious/noExplicitAny: assertions walk parsed JSON of a known shape
export type JsonDocument = Record<string, any>;

/** `--now` for `minutes` after NOW. */
export function at(minutes: number): string {
  return new Date(NOW + minutes * 60_000).toISOString().replace('.000', '');
}

export async function writeSampleInputs(root: string): Promise<void> {
  await generateSampleWorkspace(root, {
    anchor: new Date(NOW).toISOString(),
    runs: 8,
    runWeeks: 3,
    dailyRows: 14,
    stateDays: 4,
    latencyDays: 16,
  });
}

/** One signed generic receiver (the HookWorkspace's) taking everything, retried once without waiting. */
export const ONE_RECEIVER = [
  'delivery: {max_retries: 1, retry_wait_seconds: 0, timeout_seconds: 5}',
  'receivers:',
  '  - {name: ops-webhook, type: generic, url_env: OBS_TEST_HOOK_URL, secret_env: OBS_WEBHOOK_SECRET}',
  'default_route: {receivers: [ops-webhook]}',
];

export async function writeNotificationsConfig(root: string, lines: readonly string[]): Promise<void> {
  await mkdir(join(root, 'configs/observability'), { recursive: true });
  await writeFile(join(root, NOTIFICATIONS), `${lines.join('\n')}\n`);
}

/** Runs one of the built binaries on the workspace at `minutes` after NOW. */
export function runJob(
  job: 'latency' | 'weekly' | 'dashboard' | 'verify' | 'daily',
  root: string,
  args: readonly string[],
  minutes: number,
  env: NodeJS.ProcessEnv = {},
  options: RunCliOptions = {},
): Promise<CliResult> {
  return runCli(BIN[job], [...args, '--root', root, '--now', at(minutes)], {
    ...options,
    env: cleanEnv(env),
  });
}

export async function readJson(root: string, path: string): Promise<JsonDocument> {
  return JSON.parse(await readFile(join(root, path), 'utf8')) as JsonDocument;
}

export async function readLog(root: string): Promise<JsonDocument[]> {
  const text = await readFile(join(root, LOG), 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as JsonDocument);
}

/** The JSON body of a request a receiver got. */
export function bodyOf(request: RecordedRequest | undefined): JsonDocument {
  return JSON.parse(request?.body.toString('utf8') ?? '{}') as JsonDocument;
}

/** The alerts (`<dedup_key>:<status>`) of every request a generic receiver got, in order. */
export function receivedAlerts(requests: readonly RecordedRequest[]): string[][] {
  return requests.map((request) =>
    bodyOf(request).alerts.map((alert: JsonDocument) => `${alert.dedup_key}:${alert.status}`),
  );
}

/** A workspace of sample inputs and a real generic receiver, fresh for each test. */
export interface HookWorkspace {
  root: string;
  hook: WebhookTestServer;
  /** the receiver's variables: OBS_TEST_HOOK_URL and OBS_WEBHOOK_SECRET */
  env: NodeJS.ProcessEnv;
}

/**
 * Runs `test` in a HookWorkspace of its own, set up and removed as useHookWorkspace does around
 * each test, for tests that run at once.
 */
export async function inHookWorkspace(
  prefix: string,
  test: (workspace: HookWorkspace) => Promise<void>,
): Promise<void> {
  const { root, cleanup } = await makeWorkspace(prefix);
  let hook: WebhookTestServer | undefined;
  try {
    hook = await startWebhookTestServer({ path: '/hooks/ops' });
    const env = { OBS_TEST_HOOK_URL: hook.url, OBS_WEBHOOK_SECRET: SIGNING_SECRET };
    await writeSampleInputs(root);
    await test({ root, hook, env });
  } finally {
    await hook?.close();
    await cleanup();
  }
}

/** Registers the set-up and clean-up of a HookWorkspace around each test of the file. */
export function useHookWorkspace(prefix: string): HookWorkspace {
  const workspace = {} as HookWorkspace;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    const made = await makeWorkspace(prefix);
    cleanup = made.cleanup;
    workspace.root = made.root;
    workspace.hook = await startWebhookTestServer({ path: '/hooks/ops' });
    workspace.env = { OBS_TEST_HOOK_URL: workspace.hook.url, OBS_WEBHOOK_SECRET: SIGNING_SECRET };
    await writeSampleInputs(made.root);
  });
  afterEach(async () => {
    await workspace.hook.close();
    await cleanup();
  });
  return workspace;
}
