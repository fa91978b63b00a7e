import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateSampleWorkspace } from '../../../scripts/sample-workspace.mjs';
import { BIN, type CliResult, cleanEnv, runCli } from '../../support/cli-process.js';

/** A Monday: the chain reports the week of 2025-09-29. */
export const NOW = '2025-10-06T12:00:00Z';
export const SIGNING_SECRET = 'daily-e2e-signing-secret-0123456789abcdef';

// biome-ignore lint/suspicious/noExplicitAny: assertions walk parsed JSON of a known shape
export type JsonDocument = Record<string, any>;

/**
 * Workspace inputs from the project's seeded generator, kept small: runs/index.csv with daily.csv
 * files, reports/portfolio_summary.json, state exports with ev_global/slip, router telemetry,
 * and 16 days of raw latency samples (so retention archives the oldest two days). `breachHours:
 * 0` gives latency that stays under the SLO, so a real chain raises no alert.
 */
export async function writeDailyInputs(root: string, options: { breachHours?: number } = {}): Promise<void> {
  await generateSampleWorkspace(root, {
    anchor: NOW,
    runs: 8,
    runWeeks: 3,
    dailyRows: 14,
    stateDays: 4,
    latencyDays: 16,
    ...options,
  });
}

/** A copy of a prepared workspace, for a test that changes it. */
export async function copyWorkspace(from: string, to: string): Promise<void> {
  await cp(from, to, { recursive: true });
}

export function webhookEnv(url: string, alertsUrl?: string): NodeJS.ProcessEnv {
  return {
    OBS_WEEKLY_WEBHOOK_URL: url,
    OBS_WEBHOOK_SECRET: SIGNING_SECRET,
    ...(alertsUrl ? { OBS_ALERTS_WEBHOOK_URL: alertsUrl } : {}),
  };
}

/**
 * Routes every notification to one signed generic receiver (`OBS_ALERTS_WEBHOOK_URL`), so that
 * the sample data's latency alerts reach somebody and obs-verify's notification check passes.
 */
export async function routeNotificationsToWebhook(root: string): Promise<void> {
  await mkdir(join(root, 'configs/observability'), { recursive: true });
  await writeFile(
    join(root, 'configs/observability/notifications.yaml'),
    [
      'receivers:',
      '  - name: ops-alerts',
      '    type: generic',
      '    url_env: OBS_ALERTS_WEBHOOK_URL',
      '    secret_env: OBS_WEBHOOK_SECRET',
      'default_route:',
      '  receivers: [ops-alerts]',
      '',
    ].join('\n'),
  );
}

export function runDaily(
  root: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; now?: string } = {},
): Promise<CliResult> {
  return runCli(BIN.daily, [...args, '--root', root, '--now', options.now ?? NOW], {
    env: cleanEnv(options.env),
  });
}

export function runVerify(
  root: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; now?: string } = {},
): Promise<CliResult> {
  return runCli(BIN.verify, [...args, '--root', root, '--now', options.now ?? NOW], {
    env: cleanEnv(options.env),
  });
}

export async function readJsonLines(root: string, path: string): Promise<JsonDocument[]> {
  const text = await readFile(join(root, path), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as JsonDocument);
}

export function failureCodes(report: JsonDocument): string[] {
  return (report.failures as JsonDocument[]).map((failure) => `${failure.check} ${failure.error_code}`);
}
