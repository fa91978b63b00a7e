#!/usr/bin/env node
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
// Seeded, deterministic generator of realistic workspace inputs. The same seed and anchor give
// byte-identical files, so the quick start, the tests and the benchmarks share one source of
// data. Usage: node scripts/sample-workspace.mjs <dir> [--anchor ISO] [--seed N] [size options]
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;

export const SAMPLE_DEFAULTS = Object.freeze({
  seed: 20251006,
  runs: 42,
  runWeeks: 6,
  dailyRows: 60,
  stateDays: 28,
  latencyDays: 21,
  latencyIntervalMinutes: 15,
  latencySources: ['router_demo', 'broker_api', 'signal_bus'],
  breachHours: 3,
});

export const STRATEGIES = Object.freeze([
  { id: 'day_orb_5m.DayORB5m', manifestId: 'day_orb_5m_v1', category: 'day' },
  {
    id: 'tokyo_micro_mean_reversion.TokyoMicroMR',
    manifestId: 'tokyo_micro_mean_reversion_v0',
    category: 'scalping',
  },
]);
export const MODES = Object.freeze(['conservative', 'bridge']);
export const SYMBOL = 'USDJPY';

/** mulberry32: small, fast and good enough for synthetic data. */
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (value, width = 2) => String(value).padStart(width, '0');
const isoSeconds = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const isoDate = (ms) => new Date(ms).toISOString().slice(0, 10);
export function compactStamp(ms) {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}_${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
}
const round = (value, digits) => Number(value.toFixed(digits));
const floorTo = (ms, step) => Math.floor(ms / step) * step;

async function writeText(path, text) {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

async function writeJson(path, value) {
  await writeText(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** Streams many lines to a file without holding them in memory. */
export async function writeLines(path, lines) {
  await mkdir(dirname(path), { recursive: true });
  const stream = createWriteStream(path);
  let buffer = '';
  for (const line of lines) {
    buffer += `${line}\n`;
    if (buffer.length > 1 << 20) {
      if (!stream.write(buffer)) await once(stream, 'drain');
      buffer = '';
    }
  }
  stream.end(buffer);
  await once(stream, 'finish');
}

function dailyRowsFor(random, startMs, days) {
  const rows = ['date,breakouts,gate_pass,gate_block,ev_pass,ev_reject,fills,wins,pnl_pips'];
  let trades = 0;
  let wins = 0;
  let pnl = 0;
  for (let day = 0; day < days; day += 1) {
    const date = isoDate(startMs + day * MS_PER_DAY);
    const weekend = new Date(startMs + day * MS_PER_DAY).getUTCDay() % 6 === 0;
    const breakouts = weekend ? Math.floor(random() * 20) : 150 + Math.floor(random() * 110);
    const gatePass = Math.floor(breakouts * (0.4 + random() * 0.3));
    const evPass = Math.floor(gatePass * random() * 0.2);
    const fills = weekend ? 0 : Math.floor(evPass * (0.6 + random() * 0.4));
    const dayWins = Math.floor(fills * (0.45 + random() * 0.2));
    const pnlPips = round(fills === 0 ? 0 : (dayWins - (fills - dayWins)) * (0.8 + random() * 1.6), 6);
    trades += fills;
    wins += dayWins;
    pnl += pnlPips;
    rows.push(
      [
        date,
        breakouts,
        gatePass,
        breakouts - gatePass,
        evPass,
        gatePass - evPass,
        fills,
        dayWins,
        pnlPips,
      ].join(','),
    );
  }
  return { text: `${rows.join('\n')}\n`, trades, wins, pnl };
}

/** runs/index.csv and runs/<run_id>/daily.csv, spread over the weeks before the anchor. */
export async function writeRuns(root, { anchorMs, seed, runs, runWeeks, dailyRows }) {
  const random = seededRandom(seed ^ 0x51);
  const header =
    'run_id,run_dir,manifest_id,timestamp,symbol,mode,equity,trades,wins,total_pips,sharpe,max_drawdown,win_rate,pnl_per_trade';
  const lines = [header];
  const spanMs = runWeeks * 7 * MS_PER_DAY;
  for (let index = 0; index < runs; index += 1) {
    const runMs =
      floorTo(anchorMs - spanMs + ((index + 0.5) / runs) * spanMs, 1000) - Math.floor(random() * 3600) * 1000;
    const mode = MODES[index % MODES.length];
    const strategy = STRATEGIES[index % STRATEGIES.length];
    const runId = `${SYMBOL}_${mode}_${compactStamp(runMs)}`;
    const daily = dailyRowsFor(random, runMs - dailyRows * MS_PER_DAY, dailyRows);
    await writeText(join(root, 'runs', runId, 'daily.csv'), daily.text);
    const equity = 100000;
    const winRate = daily.trades === 0 ? '' : round(daily.wins / daily.trades, 6);
    const perTrade = daily.trades === 0 ? '' : round(daily.pnl / daily.trades, 6);
    const sharpe = index % 7 === 3 ? '' : round(0.4 + random() * 1.6, 5);
    lines.push(
      [
        runId,
        `runs/${runId}`,
        strategy.manifestId,
        compactStamp(runMs),
        SYMBOL,
        mode,
        equity,
        daily.trades,
        daily.wins,
        round(daily.pnl, 6),
        sharpe,
        round(-20 - random() * 120, 6),
        winRate,
        perTrade,
      ].join(','),
    );
  }
  await writeText(join(root, 'runs', 'index.csv'), `${lines.join('\n')}\n`);
}

function stateExport(random, { timestampMs, alphaBase }) {
  const alpha = alphaBase + random() * 4;
  const beta = 50 - alpha;
  const bucket = () => ({ alpha: round(1 + random() * 30, 6), beta: round(1 + random() * 30, 6) });
  return {
    meta: {
      symbol: SYMBOL,
      config_fingerprint: '401fffc2e5ebfc6c',
      last_timestamp: new Date(timestampMs).toISOString().slice(0, 19),
    },
    ev_global: {
      alpha: round(alpha, 9),
      beta: round(beta, 9),
      prior_alpha: 0,
      prior_beta: 0,
      decay: 0.02,
      conf: 0.95,
    },
    ev_buckets: { 'LDN:narrow:high': bucket(), 'NY:narrow:mid': bucket(), 'TOK:narrow:low': bucket() },
    slip: {
      a: {
        narrow: round(0.02 + random() * 0.01, 6),
        normal: round(0.05 + random() * 0.02, 6),
        wide: round(0.1 + random() * 0.05, 6),
      },
      curve: { narrow: { a: 0.02, b: 0 }, normal: { a: 0.05, b: 0 }, wide: { a: 0.1, b: 0 } },
      ewma_alpha: 0.1,
    },
    runtime: { warmup_left: 0, day_count: 200, current_date: isoDate(timestampMs), last_session: 'LDN' },
  };
}

/** EV state exports under ops/state_archive/<strategy>/<symbol>/<mode>/, one a day per mode. */
export async function writeStateExports(root, { anchorMs, seed, stateDays, exportsPerDay = 1 }) {
  const random = seededRandom(seed ^ 0x5a);
  let written = 0;
  for (const strategy of STRATEGIES) {
    for (const mode of MODES) {
      const folder = join(root, 'ops', 'state_archive', strategy.id, SYMBOL, mode);
      const alphaBase = mode === 'bridge' ? 24 : 26;
      for (let day = stateDays; day >= 1; day -= 1) {
        for (let slot = 0; slot < exportsPerDay; slot += 1) {
          const timestampMs =
            floorTo(anchorMs - day * MS_PER_DAY, MS_PER_HOUR) + (slot * 37 + 11) * MS_PER_MINUTE;
          const name =
            written % 3 === 0
              ? `${compactStamp(timestampMs)}_${SYMBOL}_${mode}_${compactStamp(timestampMs + 9 * MS_PER_HOUR)}.json`
              : `${compactStamp(timestampMs)}.json`;
          await writeJson(join(folder, name), stateExport(random, { timestampMs, alphaBase }));
          written += 1;
        }
      }
      await writeJson(join(folder, `${compactStamp(anchorMs - MS_PER_DAY)}_diff.json`), {
        changed: ['ev_global.alpha'],
      });
    }
  }
  return written;
}

/** Router telemetry with execution_health, as the router demo writes it. */
export async function writeTelemetry(root, { anchorMs }) {
  await writeJson(join(root, 'reports', 'portfolio_samples', 'router_demo', 'telemetry.json'), {
    generated_at: isoSeconds(anchorMs - 2 * MS_PER_HOUR),
    active_positions: { day_orb_5m_v1: 1, tokyo_micro_mean_reversion_v0: 2 },
    category_utilisation_pct: { day: 18.5, scalping: 12.0 },
    gross_exposure_pct: 30.5,
    execution_health: {
      day_orb_5m_v1: { reject_rate: 0.012, slippage_bps: 2.5, fill_count: 412, window_days: 7 },
      tokyo_micro_mean_reversion_v0: { reject_rate: 0.032, slippage_bps: 4.1, fill_count: 1290 },
    },
  });
}

/** reports/portfolio_summary.json with the scalping category at `warning`. */
export async function writePortfolioSummary(root, { anchorMs, seed }) {
  const random = seededRandom(seed ^ 0x77);
  const curve = [];
  let equity = 200000;
  for (let day = 41; day >= 0; day -= 1) {
    equity = round(equity * (1 + (random() - 0.47) * 0.01), 2);
    curve.push({ ts: isoSeconds(floorTo(anchorMs, MS_PER_DAY) - day * MS_PER_DAY), equity });
  }
  await writeJson(join(root, 'reports', 'portfolio_summary.json'), {
    generated_at: isoSeconds(anchorMs - 3 * MS_PER_HOUR),
    input_dir: 'runs/router_pipeline/latest',
    strategies: STRATEGIES.map((strategy) => ({
      manifest_id: strategy.manifestId,
      category: strategy.category,
    })),
    category_utilisation: [
      {
        category: 'day',
        utilisation_pct: 18.5,
        cap_pct: 40,
        headroom_pct: 21.5,
        budget_pct: 35,
        budget_headroom_pct: 16.5,
        budget_status: 'ok',
      },
      {
        category: 'scalping',
        utilisation_pct: 13.9,
        cap_pct: 25,
        headroom_pct: 11.1,
        budget_pct: 15,
        budget_headroom_pct: 1.1,
        budget_status: 'warning',
      },
    ],
    gross_exposure: { current_pct: 32.4, cap_pct: 55, headroom_pct: 22.6 },
    execution_health: {},
    drawdowns: {
      aggregate: { max_drawdown_pct: 1.84 },
      per_strategy: {
        day_orb_5m_v1: { max_drawdown_pct: 1.21 },
        tokyo_micro_mean_reversion_v0: { max_drawdown_pct: 2.37 },
      },
    },
    aggregate_equity_curve: curve,
  });
}

/**
 * Latency samples every `intervalMinutes` from each source over `days`, ending at the anchor.
 * The `breachHours` full hours before the anchor's hour are slow (p95 well above 5 s), so the
 * demo shows a live critical breach.
 */
export function* latencySampleLines({ anchorMs, seed, days, intervalMinutes, sources, breachHours }) {
  const random = seededRandom(seed ^ 0x1a7);
  const stepMs = intervalMinutes * MS_PER_MINUTE;
  const endMs = floorTo(anchorMs, stepMs);
  const breachEnd = floorTo(anchorMs, MS_PER_HOUR);
  const breachStart = breachEnd - breachHours * MS_PER_HOUR;
  yield 'timestamp_utc,source,latency_ms,ingest_latency_ms,status,detail';
  for (let at = endMs - days * MS_PER_DAY + stepMs; at <= endMs; at += stepMs) {
    const inBreach = at >= breachStart && at < breachEnd;
    for (const source of sources) {
      const base = inBreach ? 6500 + random() * 3000 : 180 + random() * 900;
      const failed = !inBreach && random() < 0.002;
      yield `${isoSeconds(at)},${source},${base.toFixed(3)},${Math.floor(random() * 400)},${failed ? 'error' : 'success'},${failed ? 'http_502' : ''}`;
    }
  }
}

/** A raw latency CSV of exactly `rows` samples spread evenly over `days` (benchmark input). */
export function* denseLatencySampleLines({ anchorMs, seed, rows, days, sources }) {
  const random = seededRandom(seed ^ 0xbe4);
  const spanMs = days * MS_PER_DAY;
  yield 'timestamp_utc,source,latency_ms,ingest_latency_ms,status,detail';
  for (let index = 0; index < rows; index += 1) {
    const at = anchorMs - spanMs + Math.floor(((index + 1) / rows) * spanMs);
    const source = sources[index % sources.length];
    const failed = random() < 0.001;
    yield `${isoSeconds(at)},${source},${(150 + random() * 1200).toFixed(3)},${Math.floor(random() * 400)},${failed ? 'timeout' : 'success'},`;
  }
}

export async function writeLatencySamples(root, options) {
  await writeLines(join(root, 'ops', 'signal_latency.csv'), latencySampleLines(options));
}

/** Generates the whole sample workspace into `root`, anchored at `anchor` (default: now). */
export async function generateSampleWorkspace(root, options = {}) {
  const settings = { ...SAMPLE_DEFAULTS, ...options };
  const anchorMs = floorTo((options.anchor ? new Date(options.anchor) : new Date()).getTime(), 1000);
  const common = { ...settings, anchorMs };
  await writeRuns(root, common);
  const stateExports = await writeStateExports(root, common);
  await writeTelemetry(root, common);
  await writePortfolioSummary(root, common);
  await writeLatencySamples(root, {
    anchorMs,
    seed: settings.seed,
    days: settings.latencyDays,
    intervalMinutes: settings.latencyIntervalMinutes,
    sources: settings.latencySources,
    breachHours: settings.breachHours,
  });
  return { root, anchor: new Date(anchorMs).toISOString(), runs: settings.runs, stateExports };
}

function parseArgs(argv) {
  const [dir, ...rest] = argv;
  if (!dir || dir.startsWith('--')) {
    throw new Error(
      'usage: sample-workspace.mjs <dir> [--anchor ISO] [--seed N] [--runs N] [--daily-rows N] [--state-days N] [--latency-days N]',
    );
  }
  const options = {};
  for (let index = 0; index < rest.length; index += 2) {
    const flag = rest[index];
    const value = rest[index + 1];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    const key = flag.replace(/^--/, '').replace(/-([a-z])/g, (_, letter) => letter.toUpperCase());
    if (key === 'anchor') {
      if (Number.isNaN(Date.parse(value))) throw new Error(`--anchor ${value} is not a date`);
      options.anchor = value;
    } else if (key in SAMPLE_DEFAULTS && typeof SAMPLE_DEFAULTS[key] === 'number') {
      const number = Number(value);
      if (!Number.isInteger(number) || number < 0) throw new Error(`${flag} needs a whole number`);
      options[key] = number;
    } else throw new Error(`unknown option ${flag}`);
  }
  return { dir, options };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const { dir, options } = parseArgs(process.argv.slice(2));
    const result = await generateSampleWorkspace(dir, options);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
}
