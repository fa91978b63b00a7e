import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runJob } from '../../../packages/automation-core/src/job-runner.js';
import {
  type CsvRecord,
  writePortfolioSummary,
  writeRawSamples,
  writeRollup,
  writeRunsIndex,
  writeText,
} from '../../../packages/weekly-cli/src/test-support/weekly-fixtures.js';
import { weeklyJob } from '../../../packages/weekly-cli/src/weekly-job.js';
import type { JsonDocument } from '../weekly-run.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const TMPFS = '/dev/shm';

/**
 * A workspace for a simulation of hundreds of runs: on tmpfs where there is one, whose fsync
 * costs nothing (the simulation tests the schedule; durability has its own tests).
 */
export async function makeSimulationWorkspace(): Promise<{ root: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(existsSync(TMPFS) ? TMPFS : tmpdir(), 'obs-weekly-schedule-'));
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** A stamp as the runs index writes it: `YYYYMMDD_HHMMSS`. */
function runStamp(at: number): string {
  return new Date(at).toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);
}

/**
 * Inputs that arrive as time passes: one research run a day at 10:00 and one latency sample an
 * hour at :10 (with its rollup window), from `from` on. At a simulated instant only what has
 * arrived by then is in the files, as it would be on a real deployment.
 */
export class ArrivingInputs {
  private written = -1;

  constructor(
    private readonly root: string,
    private readonly from: number,
  ) {}

  static async create(root: string, from: string): Promise<ArrivingInputs> {
    await writePortfolioSummary(root);
    await writeText(root, 'ops/latency_job_heartbeat.json', `${JSON.stringify({ pending_alerts: 0 })}\n`);
    return new ArrivingInputs(root, Date.parse(from));
  }

  /** The run ids of the days in [start, end): `USDJPY_sim_<stamp>`. */
  runIds(start: string, end: string): string[] {
    const ids: string[] = [];
    for (let day = Date.parse(start); day < Date.parse(end); day += DAY)
      ids.push(`USDJPY_sim_${runStamp(day + 10 * HOUR)}`);
    return ids;
  }

  /** Rewrites the inputs when something new has arrived by `now`. */
  async advanceTo(now: number): Promise<void> {
    const hours = Math.max(0, Math.floor((now - this.from - 10 * MINUTE) / HOUR) + 1);
    if (hours === this.written) return;
    this.written = hours;
    const runs: CsvRecord[] = [];
    for (let day = this.from; day + 10 * HOUR <= now; day += DAY) {
      const at = day + 10 * HOUR;
      runs.push({
        run_id: `USDJPY_sim_${runStamp(at)}`,
        timestamp: runStamp(at),
        symbol: 'USDJPY',
        mode: 'conservative',
        trades: 5,
        wins: 3,
      });
    }
    const hourStarts = Array.from({ length: hours }, (_, index) => this.from + index * HOUR);
    const latency = (hour: number) => 100 + ((hour / HOUR) % 7) * 10;
    await writeRunsIndex(this.root, runs);
    await writeRawSamples(
      this.root,
      hourStarts.map((hour) => ({ at: new Date(hour + 10 * MINUTE).toISOString(), latency: latency(hour) })),
    );
    await writeRollup(
      this.root,
      hourStarts.map((hour) => ({
        hour: new Date(hour).toISOString(),
        count: 1,
        p50: latency(hour),
        p95: latency(hour),
      })),
    );
  }
}

export interface SimulatedRun {
  now: string;
  exitCode: number;
  summary: JsonDocument;
}

/** Runs obs-weekly in-process through the job harness, as the chain does, at `now`. */
export async function runWeeklyAt(
  root: string,
  now: string,
  env: NodeJS.ProcessEnv,
  args: readonly string[] = [],
): Promise<SimulatedRun> {
  const result = await runJob(
    weeklyJob,
    ['--root', root, '--now', now, '--retry-wait-seconds', '0', ...args],
    {
      env,
    },
  );
  return { now, exitCode: result.exitCode, summary: result.summary as JsonDocument };
}

/**
 * Advances the clock every 15 minutes over [from, to), skipping the instants `down` rejects
 * (the deployment is off), delivering the inputs that have arrived and running obs-weekly.
 */
export async function simulate(options: {
  root: string;
  inputs: ArrivingInputs;
  from: string;
  to: string;
  env: NodeJS.ProcessEnv;
  down?: (at: Date) => boolean;
}): Promise<SimulatedRun[]> {
  const runs: SimulatedRun[] = [];
  for (let at = Date.parse(options.from); at < Date.parse(options.to); at += 15 * MINUTE) {
    if (options.down?.(new Date(at))) continue;
    await options.inputs.advanceTo(at);
    runs.push(await runWeeklyAt(options.root, new Date(at).toISOString(), options.env));
  }
  return runs;
}
