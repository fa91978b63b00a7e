// The feeder: latency samples in the demo generator's shapes (healthy 180–1080 ms with rare
// failures, breach episodes of 6.5–9.5 s lasting hours, then recovery), appended with
// `obs-latency record` in processes running beside the chain (and, every few steps, beside each
// other). What each record process accepted goes into the soak's own model of every sample ever
// recorded.
import { SAMPLE_DEFAULTS, seededRandom } from '../sample-workspace.mjs';
import { runBinary } from './soak-processes.mjs';

const MS_PER_HOUR = 3_600_000;
const SOURCES = SAMPLE_DEFAULTS.latencySources;
/**
 * How long a record process waits for the latency lock: ample for a chain run (a second or two
 * under load). Beside a chain killed with the lock held it answers `lock_timeout` after this many
 * real seconds (the lock goes stale only after 600): 60 cost a soak a minute each time.
 */
const RECORD_LOCK_WAIT_SECONDS = 10;
/** How often two record processes race each other (every step, one races the chain). */
const RACING_STEPS = 4;

export const isoSeconds = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** One to two breach episodes a day, 3–5 hours long (a critical alert needs 3 windows). */
export function planBreachEpisodes(seed, startMs, days) {
  const random = seededRandom(seed);
  const episodes = [];
  for (let day = 0; day < days; day += 1) {
    const count = 1 + Math.floor(random() * 2);
    for (let index = 0; index < count; index += 1) {
      const from = startMs + day * 24 * MS_PER_HOUR + Math.floor(random() * 20) * MS_PER_HOUR;
      episodes.push({ fromMs: from, untilMs: from + (3 + Math.floor(random() * 3)) * MS_PER_HOUR });
    }
  }
  return episodes;
}

export class Feeder {
  constructor({ seed, startMs, days }) {
    this.random = seededRandom(seed ^ 0x5eed);
    this.episodes = planBreachEpisodes(seed, startMs, days);
    /** every sample a record process accepted: the model of the latency data */
    this.recorded = [];
    this.lastMs = startMs;
    this.runs = 0;
  }

  inBreach(ms) {
    return this.episodes.some((episode) => ms >= episode.fromMs && ms < episode.untilMs);
  }

  /** Samples measured after the previous feed and up to `nowMs`, one per source every 5 minutes. */
  samplesUntil(nowMs, { healthy = false } = {}) {
    const samples = [];
    const stepMs = 5 * 60_000;
    for (let at = Math.floor(this.lastMs / stepMs) * stepMs + stepMs; at <= nowMs; at += stepMs) {
      const breach = !healthy && this.inBreach(at);
      for (const source of SOURCES) {
        const failed = !breach && this.random() < 0.002;
        const base = breach ? 6500 + this.random() * 3000 : 180 + this.random() * 900;
        samples.push({
          timestamp: isoSeconds(at - Math.floor(this.random() * 60) * 1000),
          source,
          latency_ms: Number(base.toFixed(3)),
          ingest_latency_ms: Math.floor(this.random() * 400),
          status: failed ? 'error' : 'success',
          detail: failed ? 'http_502' : '',
        });
      }
    }
    if (nowMs > this.lastMs) this.lastMs = nowMs;
    return samples;
  }

  /**
   * Feeds the samples due at `nowMs` through `obs-latency record`, beside the chain: one process,
   * and on every RACING_STEPS-th step two parallel ones (one per half of the sources) that race
   * each other as well; the samples a process accepted join the model.
   */
  async feed(context, nowMs, options) {
    const samples = this.samplesUntil(nowMs, options);
    const groups = context.step % RACING_STEPS === 0 ? [SOURCES.slice(0, 1), SOURCES.slice(1)] : [SOURCES];
    const batches = groups.map((sources) => samples.filter((sample) => sources.includes(sample.source)));
    await Promise.all(
      batches
        .filter((batch) => batch.length > 0)
        .map(async (batch) => {
          const input = `${batch.map((sample) => JSON.stringify(sample)).join('\n')}\n`;
          const result = await runBinary(
            context,
            'latency',
            [
              'record',
              '--root',
              context.root,
              '--now',
              isoSeconds(nowMs),
              '--from-jsonl',
              '-',
              '--lock-wait-seconds',
              String(RECORD_LOCK_WAIT_SECONDS),
            ],
            { input, label: 'latency record' },
          );
          this.runs += 1;
          if (result.code === 0) this.recorded.push(...batch);
          else {
            const why = result.summary?.diagnostics;
            const reason = why?.error_code ? ` (${why.error_code}: ${why.error_message ?? ''})` : '';
            context.notes.push(
              `step ${context.step}: record exited ${result.code}${reason}; its samples are not in the model`,
            );
          }
        }),
    );
  }
}
