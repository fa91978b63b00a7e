import {
  appendedRows,
  binaryGarbage,
  csvLines,
  headerOnly,
  hugeLine,
  withBom,
  withCell,
  withCrlf,
} from './support/bad-inputs.js';
import { invalidConfig, invalidUsage } from './support/case-builders.js';
import type { CorpusCase } from './support/corpus-case.js';
import { describeCorpus } from './support/corpus-runner.js';
import { nonBlankLines } from './support/csv-text.js';
import { LATENCY_RAW as RAW } from './support/latency-row-store.js';
import {
  LATENCY_ALERT_CONFIG as ALERT_CONFIG,
  accepted,
  BASE_ROWS,
  LATENCY_CONFIG as CONFIG,
  LATENCY_HEARTBEAT as HEARTBEAT,
  LATENCY_TABLE,
  LATENCY_ROLLUP as ROLLUP,
  recordCase,
  rejected,
  SAMPLES_JSONL as SAMPLES,
  sampleLine as sample,
  unreadable,
} from './support/latency-table.js';
import {
  namesFile,
  namesFileAndKey,
  namesFileAndLine,
  namesFileAndSomeLine,
  namesFlag,
} from './support/message-expectation.js';

const GARBAGE = binaryGarbage();

const rawCases: CorpusCase[] = [
  accepted('raw: missing means no samples yet', { [RAW]: null }, 0),
  accepted('raw: header only', { [RAW]: headerOnly }, 0),
  accepted('raw: empty file means no samples yet', { [RAW]: '' }, 0),
  accepted('raw: UTF-8 BOM', { [RAW]: withBom }),
  accepted('raw: CRLF line ends', { [RAW]: withCrlf }),
  accepted('raw: zone-less timestamps are UTC', { [RAW]: (text) => text.replaceAll(':00Z,', ':00,') }),
  accepted('raw: offsets other than Z', { [RAW]: (text) => text.replace('09:05:00Z', '18:05:00+09:00') }),
  accepted("raw: the earlier tooling's column order", {
    [RAW]: csvLines(
      'timestamp_utc,latency_ms,status,detail,source',
      BASE_ROWS.map((row) => {
        const [at, source, latency, , status, detail] = row.split(',');
        return [at, latency, status, detail, source].join(',');
      }),
    ),
  }),
  accepted(
    'raw: a notifier log (ts_emit, ts_ack)',
    {
      [RAW]: csvLines('ts_emit,ts_ack,status,signal_id', [
        '2025-10-06T10:00:00.000Z,2025-10-06T10:00:00.180Z,success,sig-1',
        '2025-10-06T11:00:00.000Z,2025-10-06T10:59:59.000Z,success,sig-2',
      ]),
    },
    2,
  ),
  rejected(
    'raw: a row with too few columns',
    { [RAW]: appendedRows('2025-10-06T11:40:00Z,router_demo,140') },
    [8],
  ),
  rejected('raw: NaN latency', { [RAW]: withCell(3, 'latency_ms', 'NaN') }, [3]),
  rejected('raw: negative latency', { [RAW]: withCell(4, 'latency_ms', '-150') }, [4]),
  rejected('raw: non-numeric latency', { [RAW]: withCell(5, 'latency_ms', '210ms') }, [5]),
  rejected('raw: unparseable timestamp', { [RAW]: withCell(6, 'timestamp_utc', '06/10/2025 11:05') }, [6]),
  rejected('raw: a 10 MB single line', { [RAW]: appendedRows(hugeLine()) }, [8]),
  rejected(
    'raw: several bad rows among good ones',
    {
      [RAW]: appendedRows(
        'garbage',
        '2025-10-06T11:50:00Z,router_demo,,,success,',
        '2025-10-06T11:55:00Z,router_demo,99,,success,',
      ),
    },
    [8, 9],
  ),
  unreadable('raw: binary garbage', { [RAW]: binaryGarbage() }, namesFileAndSomeLine(RAW)),
  unreadable(
    'raw: a header with neither timestamp_utc nor ts_emit',
    { [RAW]: csvLines('when,who,how_long', ['2025-10-06T11:00:00Z,router,100']) },
    namesFileAndLine(RAW, 1),
  ),
];

const stateCases: CorpusCase[] = [
  {
    name: 'own heartbeat: binary garbage is reported and rewritten',
    files: { [HEARTBEAT]: binaryGarbage() },
    exit: 0,
    status: 'dry_run',
    errorCode: 'heartbeat_corrupt',
    message: namesFile(HEARTBEAT),
  },
  unreadable('rollup: binary garbage', { [ROLLUP]: binaryGarbage() }, namesFileAndSomeLine(ROLLUP)),
  unreadable(
    'rollup: NaN p95 in a row it must keep',
    {
      [ROLLUP]: csvLines(
        'hour_utc,window_end_utc,count,failure_count,failure_rate,p50_ms,p95_ms,p99_ms,max_ms,breach_flag,breach_streak',
        ['2025-10-05T08:00:00Z,2025-10-05T09:00:00Z,4,0,0,100,NaN,120,130,false,0'],
      ),
    },
    namesFileAndLine(ROLLUP, 2),
  ),
];

const configCases: CorpusCase[] = [
  invalidConfig(
    'latency.yaml: unknown key',
    CONFIG,
    'raw_retention_dayz: 14\n',
    namesFileAndKey(CONFIG, 'raw_retention_dayz'),
  ),
  invalidConfig(
    'latency.yaml: a string for a number',
    CONFIG,
    'raw_retention_days: two weeks\n',
    namesFileAndKey(CONFIG, 'raw_retention_days'),
  ),
  invalidConfig(
    'latency.yaml: a source of an unknown type',
    CONFIG,
    'sources:\n  - name: router\n    type: ftp\n    url: ftp://example.invalid/\n',
    namesFileAndKey(CONFIG, 'sources.0.type'),
  ),
  invalidConfig(
    'latency.yaml: a window that does not divide a day',
    CONFIG,
    'window: 7m\n',
    namesFileAndKey(CONFIG, 'window'),
  ),
  invalidConfig(
    'latency.yaml: YAML syntax error',
    CONFIG,
    'sources: [\n  {name: a\n',
    namesFileAndSomeLine(CONFIG),
  ),
  invalidConfig(
    'latency_alert.yaml: unknown key',
    ALERT_CONFIG,
    'slo_p95_ms: 5000\nslo_p99_ms: 9000\n',
    namesFileAndKey(ALERT_CONFIG, 'slo_p99_ms'),
  ),
  invalidConfig(
    'latency_alert.yaml: critical below warning',
    ALERT_CONFIG,
    'warning_threshold: 4\ncritical_threshold: 2\n',
    namesFileAndKey(ALERT_CONFIG, 'critical_threshold'),
  ),
  invalidConfig(
    'latency_alert.yaml: a failure rate above 1',
    ALERT_CONFIG,
    'failure_rate_threshold: 5\n',
    namesFileAndKey(ALERT_CONFIG, 'failure_rate_threshold'),
  ),
  invalidConfig(
    'latency_alert.yaml: a negative SLO',
    ALERT_CONFIG,
    'slo_p95_ms: -1\n',
    namesFileAndKey(ALERT_CONFIG, 'slo_p95_ms'),
  ),
  invalidConfig(
    'latency_alert.yaml: a webhook of an unknown format',
    ALERT_CONFIG,
    'webhooks:\n  - name: ops\n    url_env: OPS_HOOK\n    format: teams\n',
    namesFileAndKey(ALERT_CONFIG, 'webhooks.0.format'),
  ),
  {
    name: 'latency_alert.yaml: --alert-config naming a missing file',
    args: ['--alert-config', 'configs/nowhere.yaml'],
    exit: 2,
    status: 'error',
    errorCode: 'invalid_config',
    message: namesFile('configs/nowhere.yaml'),
  },
  accepted('latency.yaml: empty file means defaults', { [CONFIG]: '' }),
];

const flagCases: CorpusCase[] = [
  invalidUsage('flags: a job id that breaks the pattern', ['--job-id', '20251006T120000Z'], '--job-id'),
  // The archive schema needs a job id ending in "latency": knowable before anything runs.
  invalidUsage('flags: a job name the archive schema refuses', ['--job-name', 'latency check'], '--job-name'),
  invalidUsage(
    'flags: a job id the archive schema refuses',
    ['--job-id', '20251006T120000Z-check'],
    '--job-id',
  ),
  invalidUsage('flags: --now that is not a date', [], '--now', '2025-13-01T00:00:00Z'),
  invalidUsage('flags: --window that does not divide a day', ['--window', '7m'], '--window'),
  invalidUsage('flags: --max-raw-bytes of zero', ['--max-raw-bytes', '0'], '--max-raw-bytes'),
];

const recordCases: CorpusCase[] = [
  recordCase('record --from-jsonl: good lines', `${sample({})}\n${sample({ latency_ms: 0 })}\n`, {
    written: 2,
    rejected: [],
  }),
  recordCase(
    'record --from-jsonl: bad lines are rejected with their numbers',
    [
      sample({}),
      'not json',
      sample({ latency_ms: 'fast' }),
      sample({ latency_ms: -1 }),
      sample({ timestamp: 'now-ish' }),
      JSON.stringify(['router_demo', 120]),
      sample({ latency_ms: 99 }),
      '',
    ].join('\n'),
    { written: 2, rejected: [2, 3, 4, 5, 6] },
  ),
  recordCase('record --from-jsonl: a truncated last line', `${sample({})}\n${sample({}).slice(0, 30)}`, {
    written: 1,
    rejected: [2],
  }),
  recordCase('record --from-jsonl: binary garbage', GARBAGE, {
    written: 0,
    rejected: nonBlankLines(GARBAGE.toString('utf8')),
  }),
  recordCase(
    'record --from-jsonl: zone-less timestamp is UTC',
    `${sample({ timestamp: '2025-10-06T11:58:00' })}\n`,
    {
      written: 1,
      rejected: [],
    },
  ),
  recordCase('record --from-jsonl: BOM and CRLF', withBom(`${sample({})}\r\n${sample({})}\r\n`), {
    written: 2,
    rejected: [],
  }),
  {
    name: 'record --from-jsonl: missing file',
    command: ['record'],
    args: ['--from-jsonl', 'ops/incoming/nowhere.jsonl'],
    ownArgsOnly: true,
    exit: 1,
    status: 'error',
    errorCode: 'input_unreadable',
    message: namesFile('ops/incoming/nowhere.jsonl'),
  },
  {
    name: 'record: a negative --latency-ms',
    command: ['record'],
    args: ['--source', 'router_demo', '--latency-ms', '-5'],
    ownArgsOnly: true,
    exit: 2,
    status: 'error',
    errorCode: 'invalid_usage',
    message: namesFlag('--latency-ms'),
  },
  {
    name: 'record: a --timestamp that is not a date',
    command: ['record'],
    args: ['--source', 'router_demo', '--latency-ms', '5', '--timestamp', 'soon'],
    ownArgsOnly: true,
    exit: 2,
    status: 'error',
    errorCode: 'invalid_usage',
    message: namesFlag('--timestamp'),
  },
  {
    name: 'record: --from-jsonl together with --source',
    command: ['record'],
    args: ['--from-jsonl', SAMPLES, '--source', 'router_demo'],
    files: { [SAMPLES]: `${sample({})}\n` },
    ownArgsOnly: true,
    exit: 2,
    status: 'error',
    errorCode: 'invalid_usage',
    message: namesFlag('--from-jsonl'),
  },
];

describeCorpus({
  ...LATENCY_TABLE,
  title: 'obs-latency bad-input corpus',
  cases: [...rawCases, ...stateCases, ...configCases, ...flagCases, ...recordCases],
});
