import { relative } from 'node:path';
import { resolveAgainstRoot, resolveJobInvocation } from '@obs-automation/core';
import { weeklyJob } from '../weekly-job.js';
import type { WeeklyOptions } from '../weekly-options.js';

/** The job's options exactly as the CLI resolves them for `--root <root> ...args`. */
export async function weeklyTestOptions(root: string, args: readonly string[] = []): Promise<WeeklyOptions> {
  const invocation = await resolveJobInvocation(weeklyJob, ['--root', root, ...args], {});
  return invocation.options;
}

/** The part of the job context the payload builder uses. */
export function weeklyTestContext(root: string, now: string) {
  return {
    root,
    now: new Date(now),
    resolvePath: (path: string) => resolveAgainstRoot(root, path),
    relativePath: (path: string) => relative(root, resolveAgainstRoot(root, path)) || '.',
    checkpoint: () => undefined,
  };
}
