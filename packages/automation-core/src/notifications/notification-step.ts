import { basename, join } from 'node:path';
import { writeFileAtomic } from '../atomic-file.js';
import { faultPoint } from '../fault-injection.js';
import { tryAcquireLock } from '../file-lock.js';
import type { JobOutcome } from '../job-definition.js';
import { errorMessageOf } from '../job-error.js';
import { pruneJobFiles } from '../retention/job-file-retention.js';
import { WORKSPACE_LAYOUT } from '../workspace-layout.js';
import { deliveryFailure, observedEvents } from './harness-conditions.js';
import type { EffectiveNotificationConfig } from './notification-config.js';
import { deliverQueued, receiversOf, settleQueue } from './notification-delivery.js';
import { type CarriedAlert, dedupKey } from './notification-events.js';
import { type NotificationResult, resultOf } from './notification-result.js';
import {
  type AlertRecord,
  emptyState,
  type NotificationState,
  pendingNotifications,
  readNotificationState,
  stateFileOf,
  writeNotificationState,
} from './notification-state.js';
import { conditionItem, transitionAlerts } from './notification-transitions.js';
import type { ReceiverContext } from './receiver-delivery.js';

/** How long a run waits for its job's notification state while a skipped run of it updates it. */
const STATE_LOCK_WAIT_MS = 10_000;

export interface NotificationRun {
  /** the registry job the state belongs to, e.g. `weekly` */
  job: string;
  jobId: string;
  /** a rehearsal (the job's dry-run flag): nothing is sent or marked, whatever its status */
  dryRun: boolean;
  /** as the job lock's: a state lock left by a killed run is taken over after this long */
  lockStaleSeconds: number;
  now: Date;
  config: EffectiveNotificationConfig;
  /** the body's outcome, or `skipped` for a run that could not take the job lock */
  outcome: JobOutcome | 'skipped';
  /** the file named in job_failed notifications (the run log) */
  evidencePath: string;
  /** alerts an earlier release notified, taken in when the job has no state file yet */
  carried?: readonly CarriedAlert[];
  abs(path: string): string;
  rel(path: string): string;
  receiver: ReceiverContext;
}

/** The run's conditions against the job's alerts: the new state and what it queued. */
function transition(run: NotificationRun, state: NotificationState) {
  const observed = observedEvents(
    { ...run, skippedRunsThreshold: run.config.config.skipped_runs_threshold },
    state,
  );
  const result = transitionAlerts(state, {
    job: run.job,
    jobId: run.jobId,
    now: run.now,
    repeatIntervalMs: run.config.config.repeat_interval.ms,
    evaluated: observed.evaluated,
    firing: observed.firing,
  });
  return { ...result, state: { ...result.state, consecutive_skipped: observed.consecutiveSkipped } };
}

/** A dry run: what would be sent (if anything) goes to out/notifications/<job_id>.json; nothing is marked. */
async function rehearse(
  run: NotificationRun,
  state: NotificationState,
  notes: { warnings: string[]; closed: string[] },
): Promise<NotificationResult> {
  const { state: next, queued } = transition(run, state);
  const notifications = pendingNotifications(next).map(({ alert, queued: entry }) => ({
    receivers: receiversOf(run.config, alert, entry).filter((name) => !entry.delivered_to.includes(name)),
    new: queued.includes(entry),
    item: entry.item,
  }));
  const artefacts = await pruneRehearsals(run, notes);
  // the state as it stands: a rehearsal changes nothing a later real run decides on
  const result = {
    ...resultOf(state, run.config, [], notes),
    problem: null,
    dryRunNotifications: notifications.length,
  };
  // nothing to send, nothing to write: the summary's dry_run_notifications says 0
  if (notifications.length === 0) return { ...result, artefacts };
  const file = run.abs(join(WORKSPACE_LAYOUT.notificationDryRunDir, `${run.jobId}.json`));
  await writeFileAtomic(
    file,
    `${JSON.stringify({ job_id: run.jobId, job: run.job, notifications }, null, 2)}\n`,
  );
  return { ...result, artefacts: [...artefacts, run.rel(file)] };
}

/**
 * Retention of the rehearsals' files (`dry_run_retention_days`), applied by rehearsals, the only
 * runs that write them; deletions are recorded in the state folder's `retention.jsonl` first. It
 * never fails the run: what it could not delete is a warning and tried again next time.
 */
async function pruneRehearsals(run: NotificationRun, notes: { warnings: string[] }): Promise<string[]> {
  const manifest = run.abs(
    join(run.config.config.state_dir, basename(WORKSPACE_LAYOUT.notificationRetentionManifest)),
  );
  try {
    const deleted = await pruneJobFiles({
      dir: run.abs(WORKSPACE_LAYOUT.notificationDryRunDir),
      days: run.config.config.dry_run_retention_days,
      now: run.now,
      jobId: run.jobId,
      manifestPath: manifest,
      shown: run.rel,
      faultPointName: 'notify:after-retention-record',
    });
    return deleted.length > 0 ? [run.rel(manifest)] : [];
  } catch (error) {
    notes.warnings.push(
      `retention of ${WORKSPACE_LAYOUT.notificationDryRunDir} did not finish: ${errorMessageOf(error)}`,
    );
    return [];
  }
}

/** A carried-over alert as a firing record, already notified: its repeats and resolve go on. */
function carriedRecord(run: NotificationRun, carried: CarriedAlert): AlertRecord {
  const { condition } = carried;
  return {
    key: dedupKey(run.job, condition.event, condition.error_code),
    event: condition.event,
    status: 'firing',
    severity: condition.severity,
    peak_severity: condition.severity,
    since: carried.since,
    resolved_at: null,
    last_notified_at: carried.last_notified_at,
    item: conditionItem(condition, run, carried.since),
    queue: [],
  };
}

/**
 * The notification step of one run, between the body and the heartbeat: decide what changed,
 * persist it, deliver, persist what was delivered. The state is written before anything is sent
 * and again after each receiver, so a crash at any instant loses no state change and repeats at
 * most the one delivery in flight.
 */
export async function notifyRun(run: NotificationRun): Promise<NotificationResult> {
  const stateFile = run.abs(stateFileOf(run.config.config.state_dir, run.job));
  const shown = run.rel(stateFile);
  const notes = { warnings: [] as string[], closed: [] as string[] };
  const { warnings } = notes;
  /** a corrupt file is replaced even when the fresh state has nothing in it */
  let rewrite = false;
  const read = async () => {
    const result = await readNotificationState(stateFile, shown, run.job);
    if (result.kind === 'corrupt') {
      warnings.push(`notification state ${shown} is corrupt (${result.reason}); started afresh`);
      rewrite = true;
    }
    if (result.kind === 'missing' && run.carried && run.carried.length > 0)
      return { ...result.state, alerts: run.carried.map((alert) => carriedRecord(run, alert)) };
    return result.state;
  };
  if (run.dryRun || (run.outcome !== 'skipped' && run.outcome.status === 'dry_run'))
    return rehearse(run, await read(), notes);

  const lock = await tryAcquireLock(`${stateFile}.lock`, {
    // a skipped run and an interrupted one (which must end within seconds) never wait
    waitMs: run.outcome === 'skipped' || run.receiver.signal.aborted ? 0 : STATE_LOCK_WAIT_MS,
    staleSeconds: run.lockStaleSeconds,
  });
  if (!lock) {
    warnings.push(
      `notification state ${shown} is busy (another run of obs-${run.job} is delivering); not updated by this run`,
    );
    return { ...resultOf(await read(), run.config, [], notes), problem: null };
  }
  try {
    const previous = await read();
    // Written only when something changed: most runs of a healthy job leave the file alone.
    let saved = rewrite ? '' : JSON.stringify({ ...previous, updated_at: null });
    const save = async (state: NotificationState) => {
      const content = JSON.stringify({ ...state, updated_at: null });
      if (content === saved) return;
      await writeNotificationState(stateFile, { ...state, updated_at: run.now.toISOString() });
      saved = content;
    };
    let { state } = transition(run, previous);
    await save(state);
    faultPoint('notify:after-state-queue');
    const pass = { context: run.receiver, config: run.config, save, nowIso: run.now.toISOString() };
    // Interrupted: what changed is saved and waits for the next run; nothing is sent now.
    const settle = (current: NotificationState) => {
      const settled = settleQueue(current, run.config);
      for (const queued of settled.closed) {
        notes.closed.push(`${queued.item.dedup_key} (${queued.item.status})`);
      }
      return settled.state;
    };
    if (run.receiver.signal.aborted) return resultOf(settle(state), run.config, [], notes);
    const reports = await deliverQueued(state, pass);
    state = settle(state);
    // Notifications that could not be delivered are themselves an alert, sent to the receivers that work.
    const failure = deliveryFailure(state);
    const again = transitionAlerts(state, {
      job: run.job,
      jobId: run.jobId,
      now: run.now,
      repeatIntervalMs: run.config.config.repeat_interval.ms,
      evaluated: new Set(['alert_delivery_failing']),
      firing: failure ? [failure] : [],
    });
    state = again.state;
    if (again.queued.length > 0) {
      await save(state);
      const only = new Set(again.queued.map((entry) => entry.message_id));
      reports.push(...(await deliverQueued(state, { ...pass, only })));
      state = settle(state);
    }
    await save(state);
    return resultOf(state, run.config, reports, notes);
  } catch (error) {
    if (run.receiver.signal.aborted) throw error;
    // Whatever this run decided may be lost: the run fails rather than report it as notified.
    return {
      ...resultOf(emptyState(run.job), run.config, [], notes),
      problem: {
        code: 'notification_state_failed',
        message: `notification state ${shown} could not be updated: ${errorMessageOf(error)}`,
        error: true,
      },
    };
  } finally {
    await lock.release();
  }
}
