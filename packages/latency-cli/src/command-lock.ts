import { type CommandContext, type HeldLock, JobError, tryAcquireLock } from '@obs-automation/core';

/**
 * Takes the latency lock for a command (`record`, `compact-archives`), waiting up to
 * --lock-wait-seconds while a job run holds it; `holder` names the command in the lock's owner
 * record. Still held after the wait: `lock_timeout`, saying what to do (`retry`).
 */
export async function takeLatencyLock(
  options: { lockFile: string; lockWaitSeconds: number },
  context: CommandContext,
  holder: string,
  retry: string,
): Promise<HeldLock> {
  const lockPath = context.resolvePath(options.lockFile);
  const lock = await tryAcquireLock(lockPath, {
    holder,
    waitMs: options.lockWaitSeconds * 1000,
    staleSeconds: context.common.lockStaleSeconds,
  });
  if (!lock) {
    throw new JobError(
      'lock_timeout',
      `lock ${context.relativePath(lockPath)} still held after ${options.lockWaitSeconds} s; ${retry}`,
      { lock_file: context.relativePath(lockPath) },
    );
  }
  return lock;
}
