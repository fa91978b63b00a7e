import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { EffectiveNotificationConfig } from '@obs-automation/core';
import { pendingNotifications, readNotificationState } from '@obs-automation/core/notification-state';
import { CheckBuilder, type CheckOutcome, skippedCheck } from './check-outcome.js';

export const NOTIFICATIONS_CHECK = 'notifications_delivered';

/** The state files of the state folder: one per job (and per obs-verify subcommand) that ever ran. */
async function stateFiles(dir: string): Promise<string[]> {
  try {
    const names = await readdir(dir);
    return names.filter((name) => name.endsWith('.json')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * notifications_delivered: no job has a notification waiting. One with no receiver routed
 * (`no_receiver`) or that its receivers did not accept (`alert_delivery_failed`) means somebody
 * was not told; each is named with its dedup key, status, severity and why it waits. This run's
 * own `verification_failed` is left out: the run itself decides it anew.
 */
export async function notificationsCheck(
  config: EffectiveNotificationConfig | null,
  paths: { abs(path: string): string; rel(path: string): string },
): Promise<CheckOutcome> {
  if (!config) return skippedCheck(NOTIFICATIONS_CHECK, 'no notification routing');
  const check = new CheckBuilder(NOTIFICATIONS_CHECK);
  const files: Record<string, number> = {};
  const dir = paths.abs(config.config.state_dir);
  for (const name of await stateFiles(dir)) {
    const file = join(dir, name);
    const shown = paths.rel(file);
    const job = name.slice(0, -'.json'.length);
    const read = await readNotificationState(file, shown, job);
    if (read.kind === 'missing') continue;
    if (read.kind === 'corrupt') {
      check.fail('notification_state_corrupt', `notification state ${shown} is corrupt: ${read.reason}`);
      continue;
    }
    const pending = pendingNotifications(read.state).filter(
      ({ alert }) => !(job === 'verify' && alert.event === 'verification_failed'),
    );
    files[shown] = pending.length;
    for (const { queued } of pending) {
      const { item } = queued;
      const why =
        queued.pending_reason === 'no_receiver'
          ? 'no receiver is routed for it'
          : `not accepted by ${queued.failed.join(', ') || 'its receivers'} after ${queued.attempts} attempt(s)${queued.last_error ? `: ${queued.last_error}` : ''}`;
      check.fail(
        queued.pending_reason ?? 'alert_delivery_failed',
        `notification ${item.dedup_key} (${item.status}, ${item.severity}) of obs-${item.job} pending since ${queued.queued_at}: ${why}`,
      );
    }
  }
  return check.done({ state_dir: config.config.state_dir, pending: files });
}
