import { cp } from 'node:fs/promises';
import { generateSampleWorkspace } from '../../../scripts/sample-workspace.mjs';
import { BIN, type CliResult, cleanEnv, runCli } from '../../support/cli-process.js';

/** A Monday noon: the chain reports the week of 2025-09-29. */
export const NOW = '2025-10-06T12:00:00Z';
export const NOW_MS = Date.parse(NOW);
export const SIGNING_SECRET = 'status-e2e-signing-secret-0123456789abcdef';

// biome-ignore lint/suspicious/noExplicitAny: assertions walk parsed JSON of a known shape
export type JsonDocument = Record<string, any>;

export const at = (minutesAfterNow: number) => new Date(NOW_MS + minutesAfterNow * 60_000).toISOString();

/**
 * Inputs from the seeded generator, small; `breachHours: 0` gives latency data that stays under
 * the SLO, so a healthy run raises no alert.
 */
export async function writeSampleInputs(root: string, options: { breachHours?: number } = {}): Promise<void> {
  await generateSampleWorkspace(root, {
    anchor: NOW,
    runs: 8,
    runWeeks: 3,
    dailyRows: 14,
    stateDays: 4,
    latencyDays: 16,
    ...(options.breachHours === undefined ? {} : { breachHours: options.breachHours }),
  });
}

export function copyWorkspace(from: string, to: string): Promise<void> {
  return cp(from, to, { recursive: true });
}

export function webhookEnv(url: string): NodeJS.ProcessEnv {
  return { OBS_WEEKLY_WEBHOOK_URL: url, OBS_WEBHOOK_SECRET: SIGNING_SECRET };
}

export function runChain(
  root: string,
  options: { now?: string; env?: NodeJS.ProcessEnv; dryRun?: boolean } = {},
): Promise<CliResult> {
  return runCli(
    BIN.daily,
    [
      '--observability',
      ...(options.dryRun ? ['--dry-run'] : []),
      '--root',
      root,
      '--now',
      options.now ?? NOW,
    ],
    { env: cleanEnv(options.env) },
  );
}

export function runVerify(root: string, now: string, args: readonly string[] = []): Promise<CliResult> {
  return runCli(BIN.verify, [...args, '--root', root, '--now', now], { env: cleanEnv() });
}

/** obs-status through a pipe: the JSON document on one line. */
export function runStatus(root: string, now: string, args: readonly string[] = []): Promise<CliResult> {
  return runCli(BIN.status, [...args, '--root', root, '--now', now], { env: cleanEnv() });
}

export function jobOf(status: JsonDocument, name: string): JsonDocument {
  const job = status.jobs.find((item: JsonDocument) => item.job === name);
  if (!job)
    throw new Error(`no job ${name} in ${JSON.stringify(status.jobs.map((item: JsonDocument) => item.job))}`);
  return job;
}

export function findingCodes(status: JsonDocument, job?: string): string[] {
  return status.findings
    .filter((finding: JsonDocument) => job === undefined || finding.job === job)
    .map((finding: JsonDocument) => finding.code);
}
