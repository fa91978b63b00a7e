// The soak's seeded plan: which fault each chain run meets and how each receiver answers.
// Everything is drawn from one PRNG seeded by --seed, so a seed replays the same run exactly.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../sample-workspace.mjs';

export const STEP_MINUTES = 15;
export const STEPS_PER_DAY = (24 * 60) / STEP_MINUTES;
/** Sealed run-log segments are deleted after two simulated days (400 in a deployment): retention runs within a week. */
export const SEGMENT_RETENTION_DAYS = 2;

/** How often each fault is drawn, per chain run. `none` draws nothing and keeps receivers up. */
export const FAULT_LEVELS = Object.freeze({
  none: { kill: 0, term: 0, faultPoint: 0, race: 0, dryRun: 0, receiverEpisodesPerDay: 0, once: false },
  default: {
    kill: 0.03,
    term: 0.01,
    faultPoint: 0.3,
    race: 0.04,
    dryRun: 0.02,
    receiverEpisodesPerDay: 6,
    once: true,
  },
  heavy: {
    kill: 0.08,
    term: 0.03,
    faultPoint: 0.5,
    race: 0.1,
    dryRun: 0.04,
    receiverEpisodesPerDay: 10,
    once: true,
  },
});

/** Receiver behaviours of a fault episode (see soak-receivers.mjs). */
export const RECEIVER_FAULTS = Object.freeze(['500', '429', 'hang', '401', 'reset', 'down']);

/**
 * Every OBS_FAULT_POINT, read from the table in docs/testing.md (the list a new point is added
 * to), so the soak reaches each point without a second list to keep in step.
 */
export function documentedFaultPoints(repoRoot) {
  const text = readFileSync(join(repoRoot, 'docs/testing.md'), 'utf8');
  const start = text.indexOf('## Fault injection');
  const end = text.indexOf('\n## ', start + 1);
  const section = text.slice(start, end === -1 ? undefined : end);
  const points = [];
  for (const line of section.split('\n')) {
    if (!line.startsWith('| `')) continue;
    const firstCell = line.split('|')[1] ?? '';
    for (const match of firstCell.matchAll(/`([a-z-]+:[a-z-]+)`/g)) points.push(match[1]);
  }
  return points;
}

/** Points reached only by the weekly delivery, by rebuild-log, or by the nightly verification's sealing and segment retention; the rest by any chain run. */
const isWeeklyPoint = (point) => point.startsWith('weekly:');
const isRebuildPoint = (point) => point.startsWith('rebuild-log:');
const isNightlyPoint = (point) => point.startsWith('log-seal:') || point.startsWith('log-retention:');
/**
 * `obs-latency compact-archives` folds the per-run archives of an earlier release, which a
 * current release never writes: the soak has nothing for it to fold, so its points are left to
 * the compaction crash tests (tests/latency/) and reported as not armed.
 */
const isCompactionPoint = (point) => point.startsWith('compaction:');
export const UNARMED_POINTS_REASON =
  'compact-archives folds per-run archives of an earlier release, which the soak never has: covered by the compaction crash tests';

/**
 * Hands out fault points in turn, those not reached yet first: a point whose code path a run
 * did not take (no notification to send, no reference to write) is armed again on a later run
 * instead of waiting for the whole rotation.
 */
export class FaultPointRotation {
  constructor(points) {
    this.points = points;
    this.next = 0;
  }

  take(reached) {
    if (this.points.length === 0) return null;
    for (let offset = 0; offset < this.points.length; offset += 1) {
      const index = (this.next + offset) % this.points.length;
      if (!reached.has(this.points[index])) {
        this.next = index + 1;
        return this.points[index];
      }
    }
    const point = this.points[this.next % this.points.length];
    this.next += 1;
    return point;
  }
}

function pick(random, items) {
  return items[Math.floor(random() * items.length)];
}

function between(random, low, high) {
  return low + Math.floor(random() * (high - low + 1));
}

/**
 * The plan of a soak of `days` days: per step the fault of the chain run (`faultPoint: true`
 * arms the next point of the rotation), plus the once-only
 * faults (clock step, corrupt log line, failing upload, full disk) and the receivers' episodes.
 */
export function makePlan({ seed, days, faults, faultPoints }) {
  const level = FAULT_LEVELS[faults];
  const random = seededRandom(seed);
  const steps = days * STEPS_PER_DAY;
  const chainPoints = faultPoints.filter(
    (point) =>
      !isWeeklyPoint(point) && !isRebuildPoint(point) && !isNightlyPoint(point) && !isCompactionPoint(point),
  );
  const runs = [];
  for (let step = 0; step < steps; step += 1) {
    const run = { step, faultPoint: null, kill: null, race: null, dryRun: false };
    const draw = random();
    if (draw < level.kill) run.kill = { signal: 'SIGKILL', afterMs: between(random, 30, 1500) };
    else if (draw < level.kill + level.term)
      run.kill = { signal: 'SIGTERM', afterMs: between(random, 30, 1500) };
    else if (random() < level.faultPoint) run.faultPoint = true;
    if (random() < level.race) run.race = pick(random, ['latency', 'weekly', 'dashboard']);
    if (random() < level.dryRun) run.dryRun = true;
    runs.push(run);
  }
  const once = level.once
    ? {
        clockBackStep: between(random, 4, Math.min(steps, STEPS_PER_DAY) - 8),
        corruptLogStep: between(random, 8, Math.min(steps, STEPS_PER_DAY) - 6),
        uploadFailSteps: Array.from(
          { length: days },
          (_, day) => day * STEPS_PER_DAY + between(random, 0, 95),
        ),
        fullDiskStep: between(random, 2, Math.min(steps, STEPS_PER_DAY) - 4),
      }
    : { clockBackStep: -1, corruptLogStep: -1, uploadFailSteps: [], fullDiskStep: -1 };
  const receiverEpisodes = [];
  for (let day = 0; day < days; day += 1) {
    for (let index = 0; index < level.receiverEpisodesPerDay; index += 1) {
      const kind = RECEIVER_FAULTS[(day * level.receiverEpisodesPerDay + index) % RECEIVER_FAULTS.length];
      const length = kind === 'down' ? between(random, 8, 16) : kind === 'hang' ? 1 : between(random, 1, 4);
      receiverEpisodes.push({
        receiver: pick(random, ['weekly', 'notify', 'smtp']),
        kind,
        from: day * STEPS_PER_DAY + between(random, 0, STEPS_PER_DAY - 1),
        length,
      });
    }
  }
  return {
    runs,
    ...once,
    receiverEpisodes,
    chainPoints,
    // a week's delivery meets the next weekly point, then the next
    weeklyPoints: faultPoints.filter(isWeeklyPoint),
    // a night's verification meets the next sealing or segment retention point
    nightlyPoints: level.faultPoint > 0 ? faultPoints.filter(isNightlyPoint) : [],
    rebuildPoints: faultPoints.filter(isRebuildPoint),
    unarmedPoints: faultPoints.filter(isCompactionPoint),
    // twice a day the research system sends nothing for two runs: the second one's dashboard
    // export finds the datasets unchanged and records a history reference
    feedPauseSteps: Array.from({ length: days * 2 }, (_, index) => {
      const start = Math.floor(index / 2) * STEPS_PER_DAY + (index % 2) * 48 + between(random, 0, 45);
      return [start, start + 1];
    }).flat(),
    feederSeed: Math.floor(random() * 2 ** 31),
  };
}

/** The receiver behaviour planned for `receiver` at `step` ('ok' outside every episode). */
export function receiverModeAt(plan, receiver, step) {
  const episode = plan.receiverEpisodes.find(
    (entry) => entry.receiver === receiver && step >= entry.from && step < entry.from + entry.length,
  );
  return episode ? episode.kind : 'ok';
}
