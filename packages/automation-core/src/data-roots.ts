import { realpath } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { JobError } from './job-error.js';
import { quoteUntrusted } from './message-text.js';

/** Folders outside the workspace that the operator lets the workspace's links lead into. */
export const DATA_ROOTS_ENV = 'OBS_DATA_ROOTS';

/**
 * The real paths of the folders named in OBS_DATA_ROOTS (colon-separated absolute paths): the
 * research system's data that a deployment links into the workspace (`runs/`, `reports/`, the
 * state archive). The variable is the operator's, like a flag: a workspace file cannot widen it.
 * A relative entry is `invalid_config`; a folder that does not exist allows nothing.
 */
export async function operatorDataRoots(env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const entries = (env[DATA_ROOTS_ENV] ?? '').split(':').filter((entry) => entry.trim() !== '');
  const roots: string[] = [];
  for (const entry of entries) {
    if (!isAbsolute(entry)) {
      throw new JobError(
        'invalid_config',
        `${DATA_ROOTS_ENV}: ${quoteUntrusted(entry)} is not an absolute path`,
        {
          key: DATA_ROOTS_ENV,
        },
      );
    }
    const real = await realpath(entry).catch(() => null);
    if (real !== null) roots.push(real);
  }
  return roots;
}
