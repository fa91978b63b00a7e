import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  portfolioSummary,
  RUNS_HEADER,
  writeWeeklyWorkspace,
} from '../../packages/weekly-cli/src/test-support/weekly-fixtures.js';
import { BIN } from '../support/cli-process.js';
import {
  appendedRows,
  binaryGarbage,
  csvLines,
  hugeLine,
  lastLine,
  replaced,
  truncated,
  withBom,
  withCrlf,
} from './support/bad-inputs.js';
import { invalidConfig, invalidUsage } from './support/case-builders.js';
import type { CorpusCase, FinishedCase, JsonDocument } from './support/corpus-case.js';
import { describeCorpus } from './support/corpus-runner.js';
import {
  type MessageExpectation,
  namesFile,
  namesFileAndKey,
  namesFileAndLine,
  namesFileAndQuote,
  namesFileAndSomeLine,
} from './support/message-expectation.js';

const NOW = '2025-10-14T01:00:00Z';
const INDEX = 'runs/index.csv';
const DAILY = 'runs/USDJPY_conservative_20251008_101500/daily.csv';
const PORTFOLIO = 'reports/portfolio_summary.json';
const ROLLUP = 'ops/signal_latency_rollup.csv';
const RAW = 'ops/signal_latency.csv';
const ARCHIVE_MANIFEST = 'ops/signal_latency_archive/manifest.jsonl';
const LATENCY_HEARTBEAT = 'ops/latency_job_heartbeat.json';
const BENCHMARKS = 'reports/benchmark_summary.json';
const HEALTH = 'ops/health/state_checks.json';
const CONFIG = 'configs/observability/weekly_payload.yaml';
const HEARTBEAT = 'ops/weekly_report_heartbeat.json';

/** The portfolio summary exactly as the base workspace writes it. */
const PORTFOLIO_TEXT = `${JSON.stringify(portfolioSummary(), null, 2)}\n`;
const PORTFOLIO_TRUNCATED = truncated(PORTFOLIO_TEXT);

/** The dry-run payload a successful case wrote. */
async function payloadOf({ root, summary }: FinishedCase): Promise<JsonDocument> {
  return JSON.parse(await readFile(join(root, summary.artefacts[0]), 'utf8')) as JsonDocument;
}

/** A case the job must accept: a dry run that reports the week. */
function accepted(
  name: string,
  files: CorpusCase['files'],
  summary: JsonDocument = {},
  check?: CorpusCase['check'],
): CorpusCase {
  return { name, files, exit: 0, status: 'dry_run', errorCode: null, summary, check };
}

function invalidInput(name: string, files: CorpusCase['files'], message: CorpusCase['message']): CorpusCase {
  return { name, files, exit: 1, status: 'error', errorCode: 'invalid_input', message };
}

const runsIndexCases: CorpusCase[] = [
  invalidInput('runs index: empty file', { [INDEX]: '' }, namesFileAndLine(INDEX, 1)),
  {
    name: 'runs index: missing',
    files: { [INDEX]: null },
    exit: 1,
    status: 'error',
    errorCode: 'missing_input',
    message: namesFile(INDEX),
    summary: { diagnostics: { missing: [INDEX] } },
  },
  accepted('runs index: header only', { [INDEX]: csvLines(RUNS_HEADER.join(',')) }, { runs_included: 0 }),
  accepted('runs index: BOM and CRLF', { [INDEX]: (text) => withBom(withCrlf(text)) }, { runs_included: 2 }),
  invalidInput(
    'runs index: a row with too few columns',
    { [INDEX]: appendedRows('r4,,20251009_101500,USDJPY') },
    namesFileAndLine(INDEX, 5),
  ),
  accepted(
    'runs index: NaN trades is an unknown value',
    { [INDEX]: replaced(',12,7,', ',NaN,7,') },
    { runs_included: 2 },
    async (finished) => {
      finished.expect((await payloadOf(finished)).runs[1]).toMatchObject({ trades: null, wins: 7 });
    },
  ),
  invalidInput(
    'runs index: negative trades',
    { [INDEX]: replaced(',12,7,', ',-12,7,') },
    namesFileAndLine(INDEX, 2),
  ),
  invalidInput(
    'runs index: non-numeric total_pips',
    { [INDEX]: replaced(',33.5,', ',33.5 pips,') },
    namesFileAndLine(INDEX, 2),
  ),
  invalidInput(
    'runs index: unparseable timestamp',
    { [INDEX]: replaced(',,20251008_101500,', ',,8 Oct 2025,') },
    namesFileAndLine(INDEX, 2),
  ),
  accepted(
    'runs index: zone-less ISO timestamp is UTC',
    { [INDEX]: replaced(',,20251008_101500,', ',,2025-10-08T10:15:00,') },
    { runs_included: 2 },
    async (finished) => {
      const payload = await payloadOf(finished);
      finished.expect(payload.runs[1]).toMatchObject({ timestamp: '2025-10-08T10:15:00Z' });
    },
  ),
  invalidInput('runs index: binary garbage', { [INDEX]: binaryGarbage() }, namesFileAndSomeLine(INDEX)),
  invalidInput(
    'runs index: a 10 MB single line',
    { [INDEX]: appendedRows(hugeLine()) },
    namesFileAndLine(INDEX, 5),
  ),
];

const dailyCases: CorpusCase[] = [
  invalidInput('daily.csv: empty file', { [DAILY]: '' }, namesFileAndLine(DAILY, 1)),
  accepted('daily.csv: missing (fields null)', { [DAILY]: null }, { runs_included: 2 }, async (finished) => {
    const payload = await payloadOf(finished);
    finished.expect(payload.runs[1]).toMatchObject({ start_ts: null, end_ts: null, turnover_per_day: null });
  }),
  accepted('daily.csv: header only', { [DAILY]: (text) => `${text.split('\n')[0]}\n` }, { runs_included: 2 }),
  accepted('daily.csv: BOM and CRLF', { [DAILY]: (text) => withBom(withCrlf(text)) }, { runs_included: 2 }),
  invalidInput(
    'daily.csv: a row with too many columns',
    { [DAILY]: appendedRows('2025-10-09,1,1,0,1,0,1,1,0.5,extra') },
    namesFileAndLine(DAILY, 5),
  ),
  invalidInput(
    'daily.csv: non-numeric fills',
    { [DAILY]: replaced('2025-10-07,8,2,6,2,0,2,', '2025-10-07,8,2,6,2,0,two,') },
    namesFileAndLine(DAILY, 3),
  ),
  invalidInput(
    'daily.csv: negative fills',
    { [DAILY]: replaced('2025-10-07,8,2,6,2,0,2,', '2025-10-07,8,2,6,2,0,-2,') },
    namesFileAndLine(DAILY, 3),
  ),
  invalidInput(
    'daily.csv: unparseable date',
    { [DAILY]: replaced('2025-10-07,', '07/10/2025,') },
    namesFileAndLine(DAILY, 3),
  ),
];

const portfolioCases: CorpusCase[] = [
  invalidInput('portfolio summary: empty file', { [PORTFOLIO]: '' }, namesFileAndLine(PORTFOLIO, 1)),
  {
    name: 'portfolio summary: missing',
    files: { [PORTFOLIO]: null },
    exit: 1,
    status: 'error',
    errorCode: 'missing_input',
    message: namesFile(PORTFOLIO),
    summary: { diagnostics: { missing: [PORTFOLIO] } },
  },
  accepted('portfolio summary: UTF-8 BOM and CRLF', { [PORTFOLIO]: (text) => withBom(withCrlf(text)) }),
  invalidInput(
    'portfolio summary: truncated JSON',
    { [PORTFOLIO]: PORTFOLIO_TRUNCATED },
    namesFileAndLine(PORTFOLIO, lastLine(PORTFOLIO_TRUNCATED)),
  ),
  invalidInput(
    'portfolio summary: NaN written by Python',
    { [PORTFOLIO]: replaced('"current_pct": 0.33', '"current_pct": NaN') },
    namesFileAndQuote(PORTFOLIO, ': NaN'),
  ),
  invalidInput(
    'portfolio summary: a list instead of an object',
    { [PORTFOLIO]: `[${PORTFOLIO_TEXT}]` },
    namesFileAndKey(PORTFOLIO, '(top level)'),
  ),
  invalidInput(
    'portfolio summary: a string for a number',
    { [PORTFOLIO]: replaced('"utilisation_pct": 0.5', '"utilisation_pct": "0.5"') },
    namesFileAndKey(PORTFOLIO, 'category_utilisation.0.utilisation_pct'),
  ),
  invalidInput(
    'portfolio summary: unparseable generated_at',
    { [PORTFOLIO]: replaced('"2025-10-10T09:24:42.863760+00:00"', '"Fri Oct 10 09:24"') },
    namesFileAndKey(PORTFOLIO, 'generated_at'),
  ),
  accepted(
    'portfolio summary: zone-less generated_at is UTC',
    { [PORTFOLIO]: replaced('"2025-10-10T09:24:42.863760+00:00"', '"2025-10-10T09:24:42"') },
    {},
    async (finished) => {
      const payload = await payloadOf(finished);
      finished.expect(payload.portfolio.generated_at).toBe('2025-10-10T09:24:42.000Z');
    },
  ),
  invalidInput(
    'portfolio summary: binary garbage',
    { [PORTFOLIO]: binaryGarbage() },
    namesFileAndQuote(PORTFOLIO, 'is not valid JSON'),
  ),
  invalidInput(
    'portfolio summary: a 10 MB single-line value',
    { [PORTFOLIO]: JSON.stringify(portfolioSummary({ generated_at: hugeLine() })) },
    namesFileAndKey(PORTFOLIO, 'generated_at'),
  ),
];

const ROLLUP_HEADER_LINE =
  'hour_utc,window_end_utc,count,failure_count,failure_rate,p50_ms,p95_ms,p99_ms,max_ms,breach_flag,breach_streak';

const rollupCases: CorpusCase[] = [
  invalidInput('latency rollup: empty file', { [ROLLUP]: '' }, namesFileAndLine(ROLLUP, 1)),
  {
    name: 'latency rollup: missing',
    files: { [ROLLUP]: null },
    exit: 1,
    status: 'error',
    errorCode: 'missing_input',
    message: namesFile(ROLLUP),
  },
  accepted('latency rollup: header only', { [ROLLUP]: csvLines(ROLLUP_HEADER_LINE) }),
  accepted('latency rollup: BOM and CRLF', { [ROLLUP]: (text) => withBom(withCrlf(text)) }),
  invalidInput(
    'latency rollup: a row with too few columns',
    { [ROLLUP]: appendedRows('2025-10-09T10:00:00Z,2025-10-09T11:00:00Z,3') },
    namesFileAndLine(ROLLUP, 4),
  ),
  invalidInput(
    'latency rollup: NaN p95',
    { [ROLLUP]: replaced(',150,195,', ',150,NaN,') },
    namesFileAndLine(ROLLUP, 2),
  ),
  invalidInput(
    'latency rollup: negative count',
    { [ROLLUP]: replaced('2025-10-07T11:00:00Z,2,', '2025-10-07T11:00:00Z,-2,') },
    namesFileAndLine(ROLLUP, 2),
  ),
  invalidInput(
    'latency rollup: negative p95',
    { [ROLLUP]: replaced(',150,195,', ',150,-195,') },
    namesFileAndLine(ROLLUP, 2),
  ),
  invalidInput(
    'latency rollup: unparseable hour_utc',
    { [ROLLUP]: replaced('2025-10-07T10:00:00Z,', '2025-10-07 10h,') },
    namesFileAndLine(ROLLUP, 2),
  ),
  accepted('latency rollup: zone-less hour_utc is UTC', {
    [ROLLUP]: replaced('2025-10-07T10:00:00Z,', '2025-10-07T10:00:00,'),
  }),
  invalidInput('latency rollup: binary garbage', { [ROLLUP]: binaryGarbage() }, namesFileAndSomeLine(ROLLUP)),
];

const rawCases: CorpusCase[] = [
  accepted(
    'raw latency: unusable rows are skipped and listed, not fatal',
    {
      [RAW]: appendedRows(
        '2025-10-07T10:30:00Z,router,NaN,,success,',
        '2025-10-07T10:31:00Z,router,-5,,success,',
        'yesterday,router,120,,success,',
        '2025-10-07T10:33:00Z,router,120',
      ),
    },
    {
      diagnostics: { latency_rows_skipped: [{ file: RAW, count: 4, lines: [5, 6, 7, 8] }] },
    },
  ),
  accepted(
    'raw latency: zone-less timestamps are UTC',
    { [RAW]: (text) => text.replaceAll(':00Z,', ':00,') },
    { latency_method: 'exact' },
    async (finished) => {
      finished.expect((await payloadOf(finished)).latency).toMatchObject({ samples: 3, p50_ms: 200 });
    },
  ),
  accepted(
    'raw latency: BOM and CRLF',
    { [RAW]: (text) => withBom(withCrlf(text)) },
    { latency_method: 'exact' },
  ),
  invalidInput('raw latency: binary garbage', { [RAW]: binaryGarbage() }, namesFileAndSomeLine(RAW)),
  accepted('raw latency: empty file means no samples yet', { [RAW]: '' }, { latency_method: 'rollup' }),
  accepted(
    'archive manifest: unreadable lines are reported, not fatal',
    { [ARCHIVE_MANIFEST]: `not json\n${truncated('{"path":"ops/a.csv.gz","sha256":"ab"}')}` },
    { diagnostics: { archive_manifest_issues: { file: ARCHIVE_MANIFEST, count: 2 } } },
  ),
  accepted(
    'archive manifest: binary garbage is reported, not fatal',
    { [ARCHIVE_MANIFEST]: binaryGarbage() },
    { diagnostics: { archive_manifest_issues: { file: ARCHIVE_MANIFEST } } },
  ),
];

const sideInputCases: CorpusCase[] = [
  invalidInput(
    'latency heartbeat: truncated JSON',
    { [LATENCY_HEARTBEAT]: '{"pending_alerts": ' },
    namesFileAndLine(LATENCY_HEARTBEAT, 1),
  ),
  invalidInput(
    'latency heartbeat: a string for a number',
    { [LATENCY_HEARTBEAT]: '{"pending_alerts": "2"}\n' },
    namesFileAndKey(LATENCY_HEARTBEAT, 'pending_alerts'),
  ),
  invalidInput(
    'latency heartbeat: negative pending_alerts',
    { [LATENCY_HEARTBEAT]: '{"pending_alerts": -1}\n' },
    namesFileAndKey(LATENCY_HEARTBEAT, 'pending_alerts'),
  ),
  accepted('latency heartbeat: missing', { [LATENCY_HEARTBEAT]: null }),
  accepted(
    'benchmark summary: absent, so the section is omitted',
    { [BENCHMARKS]: null },
    { diagnostics: { sections_omitted: [{ section: 'benchmarks' }, { section: 'health' }] } },
  ),
  accepted(
    'benchmark summary: copied when present',
    { [BENCHMARKS]: '{"cases": 3}\n' },
    {},
    async (finished) => {
      finished.expect((await payloadOf(finished)).benchmarks).toEqual({ cases: 3 });
    },
  ),
  invalidInput(
    'benchmark summary: a list instead of an object',
    { [BENCHMARKS]: '[1, 2]\n' },
    namesFileAndKey(BENCHMARKS, '(top level)'),
  ),
  invalidInput(
    'health checks: binary garbage',
    { [HEALTH]: binaryGarbage() },
    namesFileAndQuote(HEALTH, 'is not valid JSON'),
  ),
];

/** The job's config file, refused with exit 2 naming the key. */
function configCase(name: string, yaml: string | Buffer, message: MessageExpectation): CorpusCase {
  return invalidConfig(name, CONFIG, yaml, message);
}

const configCases: CorpusCase[] = [
  configCase('config: unknown key', 'week: previous\nweekday: monday\n', namesFileAndKey(CONFIG, 'weekday')),
  configCase(
    'config: unknown nested key',
    'destinations:\n  webhook: [ops]\n',
    namesFileAndKey(CONFIG, 'destinations.webhook'),
  ),
  configCase('config: a string for a number', 'max_retries: three\n', namesFileAndKey(CONFIG, 'max_retries')),
  configCase(
    'config: a string for a boolean',
    'destinations:\n  fail_on_error: sometimes\n',
    namesFileAndKey(CONFIG, 'destinations.fail_on_error'),
  ),
  configCase(
    'config: an unknown section',
    'include: [runs, weather]\n',
    namesFileAndKey(CONFIG, 'include.1'),
  ),
  configCase('config: a list for the document', '- week: previous\n', namesFileAndKey(CONFIG, '(top level)')),
  configCase('config: YAML syntax error', 'week: previous\ninclude: [runs\n', namesFileAndLine(CONFIG, 3)),
  configCase('config: binary garbage', binaryGarbage(), namesFile(CONFIG)),
  configCase(
    'config: week_start that is not a Monday',
    'week_start: 2025-10-08\n',
    namesFileAndKey(CONFIG, 'week_start'),
  ),
  accepted('config: empty file means defaults', { [CONFIG]: '' }),
  accepted('config: BOM and CRLF', {
    [CONFIG]: withBom('week: previous\r\ninclude: [runs, latency, portfolio]\r\n'),
  }),
  {
    name: 'config: --config naming a missing file',
    args: ['--config', 'configs/nowhere.yaml'],
    exit: 2,
    status: 'error',
    errorCode: 'invalid_config',
    message: namesFile('configs/nowhere.yaml'),
  },
];

const flagCases: CorpusCase[] = [
  invalidUsage('flags: a job id that breaks the pattern', ['--job-id', '2025-10-14-weekly'], '--job-id'),
  invalidUsage('flags: a job name without a usable character', ['--job-name', '!!!'], '--job-name'),
  invalidUsage('flags: --now that is not a date', [], '--now', 'next tuesday'),
  invalidUsage('flags: --week-start that is not a Monday', ['--week-start', '2025-10-08'], '--week-start'),
  invalidUsage('flags: --week-start that is not a date', ['--week-start', 'last-week'], '--week-start'),
  invalidUsage('flags: negative --max-retries', ['--max-retries', '-1'], '--max-retries'),
  invalidUsage('flags: an unknown flag', ['--dry-run-mail'], '--dry-run-mail'),
];

const ownStateCases: CorpusCase[] = [
  {
    name: 'own heartbeat: binary garbage is reported and rewritten',
    files: { [HEARTBEAT]: binaryGarbage() },
    exit: 0,
    status: 'dry_run',
    errorCode: 'heartbeat_corrupt',
    message: namesFile(HEARTBEAT),
    check: async ({ root, expect }) => {
      const heartbeat = JSON.parse(await readFile(join(root, HEARTBEAT), 'utf8'));
      expect(heartbeat).toMatchObject({ status: 'dry_run' });
    },
  },
];

describeCorpus({
  title: 'obs-weekly bad-input corpus',
  binary: BIN.weekly,
  now: NOW,
  args: ['--dry-run-webhook'],
  base: writeWeeklyWorkspace,
  outputs: (path) => path === HEARTBEAT,
  cases: [
    ...runsIndexCases,
    ...dailyCases,
    ...portfolioCases,
    ...rollupCases,
    ...rawCases,
    ...sideInputCases,
    ...configCases,
    ...flagCases,
    ...ownStateCases,
  ],
});
