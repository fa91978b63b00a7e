// The soak's timeline: the chain every 15 simulated minutes with the feeder beside it, the
// nightly verification, the weekly KPI report, and the planned faults around them.
import { appendFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ageLeftLocks } from './left-locks.mjs';
import { Feeder, isoSeconds } from './soak-feeder.mjs';
import { NotificationQueueModel } from './soak-notification-queues.mjs';
import {
  documentedFaultPoints,
  FaultPointRotation,
  makePlan,
  RECEIVER_FAULTS,
  receiverModeAt,
  SEGMENT_RETENTION_DAYS,
  STEP_MINUTES,
  STEPS_PER_DAY,
} from './soak-plan.mjs';
import { runBinary } from './soak-processes.mjs';
import { startSmtpReceiver, startWebhookReceiver } from './soak-receivers.mjs';
import {
  fillDisk,
  makeSoakFolder,
  prepareWorkspace,
  storageFigures,
  UPLOAD_FAILS_MARKER,
} from './soak-workspace.mjs';

/** A Saturday noon: the first day reaches the weekly send time (Saturday 23:30). */
export const SOAK_START = '2026-11-07T12:00:00Z';
export const SIGNING_SECRET = 'soak-signing-secret-0123456789abcdef';
const STEP_MS = STEP_MINUTES * 60_000;
const DAY_MS = 86_400_000;
const STORAGE_DAYS = [7, 28, 56];
/**
 * The nightly verification seals the open run log past this size (16 MiB in a deployment): a
 * simulated day logs about 0.7 MB, so every night seals a segment and the following checks read
 * across segments.
 */
const SEGMENT_BYTES = 256 * 1024;
const REFERENCE_POINT = 'dashboard:after-reference-append';
/** Healthy chain runs at the end: receivers up, no fault, samples within the SLO for 2 hours. */
const SETTLE_STEPS = 9;

function cleanEnv(extra) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('OBS_')) env[key] = value;
  return { ...env, OBS_COMMIT_SHA: 'soak', ...extra };
}

const count = (counts, kind) => {
  counts[kind] = (counts[kind] ?? 0) + 1;
};

/** The week's send time (Saturday 23:30 UTC) of the week holding `ms`. */
function sendTimeOfWeek(ms) {
  const day = new Date(ms);
  const monday =
    Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate()) -
    ((day.getUTCDay() + 6) % 7) * DAY_MS;
  return monday + 5 * DAY_MS + 23.5 * 3_600_000;
}

async function readJsonOrNull(path) {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return null;
  }
}

/** What the soak's model notes after every step: dashboard sequence, notifications queued. */
async function snapshot(root, observed) {
  const manifest = await readJsonOrNull(join(root, 'out/dashboard/manifest.json'));
  if (manifest)
    observed.dashboard.push({ step: observed.step, jobId: manifest.job_id, sequence: manifest.sequence });
  let names = [];
  try {
    names = await readdir(join(root, 'ops/notifications'));
  } catch {}
  const queued = [];
  for (const name of names.filter((entry) => entry.endsWith('.json'))) {
    const state = await readJsonOrNull(join(root, 'ops/notifications', name));
    for (const alert of state?.alerts ?? []) queued.push(...(alert.queue ?? []));
  }
  observed.queues.observe(observed.step, queued);
}

export async function runSoak({ repoRoot, days, seed, faults, keep, progress = () => {} }) {
  const wallStart = Date.now();
  const startMs = Date.parse(SOAK_START);
  const plan = makePlan({ seed, days, faults, faultPoints: documentedFaultPoints(repoRoot) });
  const folder = await makeSoakFolder();
  const root = folder.root;
  // Interrupted (Ctrl-C): no tmpfs stays mounted behind it, unless --keep asked for the workspace.
  const interrupted = (signal) => {
    if (!keep) folder.removeSync();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  await prepareWorkspace({ repoRoot, root, anchor: SOAK_START, seed });
  const initialRaw = await readFile(join(root, 'ops/signal_latency.csv'), 'utf8');
  const receivers = {
    weekly: await startWebhookReceiver({ name: 'weekly', path: '/hooks/weekly', secret: SIGNING_SECRET }),
    notify: await startWebhookReceiver({ name: 'notify', path: '/hooks/ops', secret: SIGNING_SECRET }),
    smtp: await startSmtpReceiver(),
  };
  const context = {
    repoRoot,
    root,
    step: 0,
    exits: [],
    notes: [],
    env: cleanEnv({
      OBS_WEEKLY_WEBHOOK_URL: receivers.weekly.url,
      OBS_WEBHOOK_SECRET: SIGNING_SECRET,
      OBS_SOAK_NOTIFY_URL: receivers.notify.url,
      OBS_SOAK_SMTP_HOST: receivers.smtp.host,
      OBS_SOAK_SMTP_PORT: String(receivers.smtp.port),
    }),
  };
  const feeder = new Feeder({ seed: plan.feederSeed, startMs, days });
  const faultsInjected = {};
  const skipped = [];
  const observed = {
    step: 0,
    dashboard: [],
    queues: new NotificationQueueModel(),
    dryRuns: [],
    storage: [],
    chainWallMs: [],
    verifyWallMs: [],
    faultPointsReached: new Set(),
    rebuilds: 0,
  };
  let clockOffsetMs = 0;
  let nightlyDay = -1;
  let kpiWeek = -1;
  let weeklyPointIndex = 0;
  const chainRotation = new FaultPointRotation(plan.chainPoints);
  const weeklyRotation = new FaultPointRotation(plan.weeklyPoints);
  const nightlyRotation = new FaultPointRotation(plan.nightlyPoints);
  let weeklyPointStep = -1;
  const totalSteps = days * STEPS_PER_DAY;
  const setReceiverModes = async (step, overrides = {}) => {
    for (const [name, receiver] of Object.entries(receivers)) {
      const mode = overrides[name] ?? (step === null ? 'ok' : receiverModeAt(plan, name, step));
      if (mode !== receiver.mode) {
        if (mode !== 'ok') count(faultsInjected, `receiver ${name}: ${mode}`);
        await receiver.setMode(mode);
      }
      receiver.step = context.step;
    }
  };
  const chainArgs = (nowMs, extra = []) => [
    '--observability',
    '--root',
    root,
    '--now',
    isoSeconds(nowMs),
    ...extra,
  ];
  const noteFaultPoint = (record) => {
    if (record.faultPoint && record.signal === 'SIGKILL') observed.faultPointsReached.add(record.faultPoint);
  };

  const runStep = async (step, { settle = false, feed = true } = {}) => {
    context.step = step;
    observed.step = step;
    const run = settle ? { faultPoint: null, kill: null, race: null, dryRun: false } : plan.runs[step];
    if (!settle && step === plan.clockBackStep) {
      clockOffsetMs = -10 * 60_000;
      count(faultsInjected, 'clock stepped back 10 minutes');
    }
    const nowMs = startMs + step * STEP_MS + clockOffsetMs;
    // The week's send time meets a failing weekly receiver; the run after it, which delivers,
    // meets the next weekly fault point; the one after that delivers again.
    const sendMs = sendTimeOfWeek(nowMs);
    const weeklyFaults = !settle && faults !== 'none';
    const isSendStep = weeklyFaults && nowMs >= sendMs && nowMs - STEP_MS < sendMs;
    if (isSendStep) weeklyPointStep = step + 1;
    const weeklyReceiverFault = RECEIVER_FAULTS[weeklyPointIndex % RECEIVER_FAULTS.length];
    await setReceiverModes(settle ? null : step, isSendStep ? { weekly: weeklyReceiverFault } : {});
    const uploadFails = !settle && plan.uploadFailSteps.includes(step);
    if (uploadFails) {
      await writeFile(join(root, UPLOAD_FAILS_MARKER), '');
      count(faultsInjected, 'upload command fails');
    }
    let undoDisk = null;
    if (!settle && step === plan.fullDiskStep) {
      undoDisk = await fillDisk(folder);
      if (undoDisk) count(faultsInjected, 'full disk for one run');
      else
        skipped.push('full disk: mounting a tmpfs is not allowed here (needs root and mount); not injected');
    }
    if (!settle && step === plan.corruptLogStep) {
      await appendFile(join(root, 'ops/automation_runs.log'), '{"sequence": 41, "job_name": "daily", torn\n');
      count(faultsInjected, 'corrupt line appended to the run log');
    }
    let faultPoint = run.faultPoint ? chainRotation.take(observed.faultPointsReached) : null;
    // the second run of a quiet feed records a history reference: the moment for its point
    const quietSecond = plan.feedPauseSteps.includes(step) && plan.feedPauseSteps.includes(step - 1);
    if (!settle && faults !== 'none' && quietSecond && !observed.faultPointsReached.has(REFERENCE_POINT))
      faultPoint = REFERENCE_POINT;
    if (weeklyFaults && step === weeklyPointStep && plan.weeklyPoints.length > 0) {
      faultPoint = weeklyRotation.take(observed.faultPointsReached);
      weeklyPointIndex += 1;
    }
    const env = faultPoint ? { OBS_FAULT_POINT: faultPoint } : {};
    if (faultPoint) count(faultsInjected, `fault point ${faultPoint}`);
    if (run.kill) count(faultsInjected, `${run.kill.signal} of the chain at a random moment`);
    const work = [runBinary(context, 'daily', chainArgs(nowMs), { env, kill: run.kill, label: 'chain' })];
    if (feed && !plan.feedPauseSteps.includes(step))
      work.push(feeder.feed(context, nowMs, { healthy: settle }));
    if (run.race) {
      count(faultsInjected, `manual obs-${run.race} racing the chain`);
      work.push(
        runBinary(context, run.race, ['--root', root, '--now', isoSeconds(nowMs)], {
          label: `manual ${run.race}`,
        }),
      );
    }
    const [chain, ...rest] = await Promise.all(work);
    for (const record of [chain, ...rest]) if (record?.faultPoint) noteFaultPoint(record);
    observed.chainWallMs.push(chain.wallMs);
    if (undoDisk) await undoDisk();
    if (uploadFails) await rm(join(root, UPLOAD_FAILS_MARKER), { force: true });
    if (!settle && step === plan.corruptLogStep + 1) await repairRunLog(nowMs);
    const day = Math.floor((nowMs - Date.UTC(2000, 0, 1)) / DAY_MS);
    const minuteOfDay = Math.floor((nowMs % DAY_MS) / 60_000);
    if (minuteOfDay >= 150 && nightlyDay !== day) {
      nightlyDay = day;
      const point = settle ? null : nightlyRotation.take(observed.faultPointsReached);
      if (point) count(faultsInjected, `fault point ${point}`);
      const verify = await runBinary(
        context,
        'verify',
        [
          '--root',
          root,
          '--now',
          isoSeconds(nowMs),
          '--log-segment-bytes',
          String(SEGMENT_BYTES),
          '--segment-retention-days',
          String(SEGMENT_RETENTION_DAYS),
        ],
        { env: point ? { OBS_FAULT_POINT: point } : {}, label: 'nightly verify' },
      );
      noteFaultPoint(verify);
      observed.verifyWallMs.push(verify.wallMs);
    }
    const weekday = new Date(nowMs).getUTCDay();
    const week = Math.floor((nowMs - Date.UTC(2000, 0, 3)) / (7 * DAY_MS));
    if (weekday === 1 && minuteOfDay >= 360 && kpiWeek !== week) {
      kpiWeek = week;
      await runBinary(
        context,
        'verify',
        ['kpi', '--root', root, '--now', isoSeconds(nowMs), '--since', '7d'],
        {
          label: 'weekly kpi',
        },
      );
    }
    if (run.dryRun) await dryRun(nowMs);
    const aged = await ageLeftLocks(root);
    if (aged > 0) count(faultsInjected, 'stale lock left by a killed run');
    await snapshot(root, observed);
    if (!settle && (step + 1) % STEPS_PER_DAY === 0 && STORAGE_DAYS.includes((step + 1) / STEPS_PER_DAY)) {
      observed.storage.push({
        day: (step + 1) / STEPS_PER_DAY,
        ...(await storageFigures(root)),
        chainMs: median(observed.chainWallMs.slice(-STEPS_PER_DAY)),
        verifyMs: observed.verifyWallMs.at(-1) ?? null,
      });
      progress(`storage at day ${(step + 1) / STEPS_PER_DAY}: ${JSON.stringify(observed.storage.at(-1))}`);
    }
  };

  /** The runbook's recovery: check, rebuild, apply (meeting the rebuild-log fault points), check. */
  const repairRunLog = async (nowMs) => {
    const at = ['--root', root, '--now', isoSeconds(nowMs)];
    await runBinary(context, 'verify', ['--check-log', 'ops/automation_runs.log', ...at], {
      label: 'check-log',
    });
    await runBinary(context, 'verify', ['rebuild-log', ...at], { label: 'rebuild-log' });
    for (const point of plan.rebuildPoints) {
      count(faultsInjected, `fault point ${point}`);
      const killed = await runBinary(context, 'verify', ['rebuild-log', '--apply', ...at], {
        env: { OBS_FAULT_POINT: point },
        label: 'rebuild-log --apply',
      });
      noteFaultPoint(killed);
      // the operator runs it again later: the killed run's lock has gone stale by then
      await ageLeftLocks(root);
    }
    await runBinary(context, 'verify', ['rebuild-log', '--apply', ...at], { label: 'rebuild-log --apply' });
    observed.rebuilds += 1;
    const check = await runBinary(context, 'verify', ['--check-log', 'ops/automation_runs.log', ...at], {
      label: 'check-log after rebuild',
    });
    if (check.code !== 0) context.notes.push(`check-log after rebuild-log --apply exited ${check.code}`);
  };

  /** A rehearsal between two chain runs: no receiver may get anything while it runs. */
  const dryRun = async (nowMs) => {
    count(faultsInjected, 'dry-run chain');
    const before = Object.fromEntries(
      Object.entries(receivers).map(([name, receiver]) => [name, receiver.requests.length]),
    );
    for (const receiver of Object.values(receivers)) receiver.phase = 'dry run';
    const record = await runBinary(context, 'daily', chainArgs(nowMs, ['--dry-run']), {
      label: 'dry-run chain',
    });
    for (const receiver of Object.values(receivers)) receiver.phase = 'chain';
    const received = Object.entries(receivers)
      .map(([name, receiver]) => [name, receiver.requests.length - before[name]])
      .filter(([, added]) => added > 0);
    observed.dryRuns.push({ step: context.step, jobId: record.summary?.job_id ?? null, received });
  };

  try {
    for (let step = 0; step < totalSteps; step += 1) {
      await runStep(step);
      if ((step + 1) % 16 === 0)
        progress(`${step + 1}/${totalSteps} chain runs, ${Math.round((Date.now() - wallStart) / 1000)} s`);
    }
    for (let index = 0; index < SETTLE_STEPS; index += 1) {
      await runStep(totalSteps + index, { settle: true, feed: index < SETTLE_STEPS - 1 });
    }
    const endMs = startMs + (totalSteps + SETTLE_STEPS - 1) * STEP_MS + clockOffsetMs;
    context.step = totalSteps + SETTLE_STEPS;
    const finalVerify = await runBinary(context, 'verify', ['--root', root, '--now', isoSeconds(endMs)], {
      label: 'final verify',
    });
    const finalKpi = await kpiBothWays(context, root, endMs, days);
    await snapshot(root, observed);
    return {
      seed,
      days,
      faults,
      root,
      folder,
      startMs,
      endMs,
      sendTimeOfWeek,
      initialRaw,
      feeder,
      receivers,
      context,
      observed,
      faultsInjected,
      skipped,
      finalVerify,
      finalKpi,
      plan,
      wallMs: Date.now() - wallStart,
    };
  } catch (error) {
    if (!keep) await folder.remove();
    throw error;
  } finally {
    for (const receiver of Object.values(receivers)) await receiver.close();
  }
}

/**
 * The KPIs of the whole soak twice: as `obs-verify kpi` reads them (sealed segments from their
 * digests) and with the digests moved aside (every segment read line by line), for the invariant
 * that both give the same figures.
 */
async function kpiBothWays(context, root, endMs, days) {
  const args = ['kpi', '--root', root, '--now', isoSeconds(endMs), '--since', `${days + 2}d`];
  const fromDigests = await runBinary(context, 'verify', args, { label: 'final kpi' });
  const segments = join(root, 'ops/automation_runs');
  const aside = join(root, 'kpi-digests-aside');
  const digests = (await readdir(segments).catch(() => [])).filter((name) => name.endsWith('.kpi.json'));
  await mkdir(aside, { recursive: true });
  for (const name of digests) await rename(join(segments, name), join(aside, name));
  const lineByLine = await runBinary(context, 'verify', args, { label: 'final kpi, segments read' });
  for (const name of digests) await rename(join(aside, name), join(segments, name));
  await rm(aside, { recursive: true });
  return { fromDigests, lineByLine, digests: digests.length };
}

export function median(values) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
