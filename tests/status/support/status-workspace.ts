import {
  type JsonDocument,
  NOW,
  runDaily,
  runVerify as runDailyVerify,
} from '../../daily/support/daily-workspace.js';
import { BIN, type CliResult, cleanEnv, runCli } from '../../support/cli-process.js';

export {
  copyWorkspace,
  type JsonDocument,
  NOW,
  webhookEnv,
  writeDailyInputs as writeSampleInputs,
} from '../../daily/support/daily-workspace.js';

const NOW_MS = Date.parse(NOW);

/** The chain's clock moved on by whole minutes. */
export const at = (minutesAfterNow: number) => new Date(NOW_MS + minutesAfterNow * 60_000).toISOString();

/** obs-daily --observability, really or as a dry run. */
export function runChain(
  root: string,
  options: { now?: string; env?: NodeJS.ProcessEnv; dryRun?: boolean } = {},
): Promise<CliResult> {
  return runDaily(root, ['--observability', ...(options.dryRun ? ['--dry-run'] : [])], options);
}

export function runVerify(root: string, now: string, args: readonly string[] = []): Promise<CliResult> {
  return runDailyVerify(root, args, { now });
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
