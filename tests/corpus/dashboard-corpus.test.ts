import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NOW, writeDashboardWorkspace } from '../dashboard/support/dashboard-run.js';
import { BIN } from '../support/cli-process.js';
import {
  appendedRows,
  binaryGarbage,
  editedJson,
  headerOnly,
  hugeLine,
  lastLine,
  truncated,
  withBom,
  withCell,
  withCrlf,
  withPythonNan,
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

const SERIES = 'ops/state_archive/day_orb_5m.DayORB5m/USDJPY/bridge';
const STATE = `${SERIES}/20261122_121100.json`;
const UNSTAMPED_STATE = `${SERIES}/manual_export.json`;
const TELEMETRY = 'reports/portfolio_samples/router_demo/telemetry.json';
const INDEX = 'runs/index.csv';
const DAILY = 'runs/USDJPY_bridge_20261115_174719/daily.csv';
const ROLLUP = 'ops/signal_latency_rollup.csv';
const PROVENANCE = 'ops/provenance.json';
const CONFIG = 'configs/observability/dashboard_export.yaml';
const MANIFEST = 'out/dashboard/manifest.json';
const HEARTBEAT = 'ops/dashboard_export_heartbeat.json';
const OUTPUTS = new Set([MANIFEST, HEARTBEAT]);

async function dataset(finished: FinishedCase, name: string): Promise<JsonDocument> {
  return JSON.parse(
    await readFile(join(finished.root, `out/dashboard/${name}.json`), 'utf8'),
  ) as JsonDocument;
}

/** A state export the job reads by its `meta.last_timestamp` (its name has no stamp). */
function unstampedExport(lastTimestamp: string): string {
  return `${JSON.stringify({ meta: { last_timestamp: lastTimestamp }, ev_global: { alpha: 30, beta: 20 } })}\n`;
}

function accepted(
  name: string,
  files: CorpusCase['files'],
  summary: JsonDocument = {},
  check?: CorpusCase['check'],
): CorpusCase {
  return { name, files, exit: 0, status: 'dry_run', errorCode: null, summary, check };
}

/**
 * A dataset whose input is bad fails alone: the run is an error naming the input, and the
 * datasets that do not read it are still written.
 */
function datasetFails(
  name: string,
  files: CorpusCase['files'],
  failed: readonly string[],
  errorCode: 'invalid_input' | 'missing_input',
  message: MessageExpectation,
  args: readonly string[] = [],
): CorpusCase {
  return {
    name,
    files,
    args,
    exit: 1,
    status: 'error',
    errorCode,
    message,
    summary: {
      diagnostics: {
        dataset_errors: Object.fromEntries(failed.map((item) => [item, { error_code: errorCode }])),
      },
    },
    check: ({ root, summary, expect }) => {
      for (const item of summary.datasets as { name: string; status: string }[]) {
        expect(item.status, item.name).toBe(failed.includes(item.name) ? 'error' : 'ok');
        expect(existsSync(join(root, `out/dashboard/${item.name}.json`)), item.name).toBe(
          !failed.includes(item.name),
        );
      }
    },
  };
}

const STATE_DATASETS = ['ev_history', 'slippage'];

const stateExportCases: CorpusCase[] = [
  datasetFails(
    'state export: empty file',
    { [STATE]: '' },
    STATE_DATASETS,
    'invalid_input',
    namesFileAndLine(STATE, 1),
  ),
  datasetFails(
    'state export: truncated JSON',
    { [STATE]: (text) => truncated(text) },
    STATE_DATASETS,
    'invalid_input',
    namesFileAndSomeLine(STATE),
  ),
  datasetFails(
    'state export: binary garbage',
    { [STATE]: binaryGarbage() },
    STATE_DATASETS,
    'invalid_input',
    namesFileAndQuote(STATE, 'is not valid JSON'),
  ),
  datasetFails(
    'state export: NaN written by Python',
    {
      [STATE]: withPythonNan((document, marker) => {
        (document.ev_global as JsonDocument).alpha = marker;
      }),
    },
    STATE_DATASETS,
    'invalid_input',
    namesFileAndQuote(STATE, 'NaN'),
  ),
  datasetFails(
    'state export: a string for alpha',
    { [STATE]: editedJson((document) => (document.ev_global.alpha = '24.9')) },
    STATE_DATASETS,
    'invalid_input',
    namesFileAndKey(STATE, 'ev_global.alpha'),
  ),
  datasetFails(
    'state export: negative beta',
    { [STATE]: editedJson((document) => (document.ev_global.beta = -3)) },
    STATE_DATASETS,
    'invalid_input',
    namesFileAndKey(STATE, 'ev_global.beta'),
  ),
  datasetFails(
    'state export: a string for conf',
    { [STATE]: editedJson((document) => (document.ev_global.conf = 'high')) },
    ['ev_history'],
    'invalid_input',
    namesFileAndKey(STATE, 'ev_global.conf'),
  ),
  accepted(
    'state export: a list instead of an object is skipped',
    { [STATE]: '[1, 2, 3]\n' },
    {
      diagnostics: { files_skipped: 5 },
    },
  ),
  accepted(
    'state export: BOM and CRLF',
    { [STATE]: (text) => withBom(withCrlf(text)) },
    {
      diagnostics: { files_skipped: 4 },
    },
  ),
  accepted(
    'state export: unparseable meta.last_timestamp on an unstamped file is skipped',
    { [UNSTAMPED_STATE]: unstampedExport('last tuesday') },
    { diagnostics: { files_skipped: 5 } },
  ),
  accepted(
    'state export: zone-less meta.last_timestamp is UTC',
    { [UNSTAMPED_STATE]: unstampedExport('2026-11-23T18:00:00') },
    { diagnostics: { files_skipped: 4 } },
    async (finished) => {
      const rows = (await dataset(finished, 'ev_history')).rows as JsonDocument[];
      finished.expect(rows.map((row) => row.timestamp)).toContain('2026-11-23T18:00:00.000Z');
    },
  ),
  accepted('state export: a 10 MB single line', {
    [STATE]: (text) => JSON.stringify({ ...JSON.parse(text), padding: hugeLine() }),
  }),
];

const telemetryCases: CorpusCase[] = [
  datasetFails(
    'telemetry: missing',
    { [TELEMETRY]: null },
    ['slippage'],
    'missing_input',
    namesFile(TELEMETRY),
  ),
  datasetFails(
    'telemetry: empty file',
    { [TELEMETRY]: '' },
    ['slippage'],
    'invalid_input',
    namesFileAndLine(TELEMETRY, 1),
  ),
  datasetFails(
    'telemetry: a list instead of an object',
    { [TELEMETRY]: '[]\n' },
    ['slippage'],
    'invalid_input',
    namesFileAndQuote(TELEMETRY, 'is not a JSON object'),
  ),
  datasetFails(
    'telemetry: a string for fill_count',
    { [TELEMETRY]: editedJson((document) => (document.execution_health.day_orb_5m_v1.fill_count = '412')) },
    ['slippage'],
    'invalid_input',
    namesFileAndKey(TELEMETRY, 'execution_health.day_orb_5m_v1.fill_count'),
  ),
  datasetFails(
    'telemetry: negative fill_count',
    { [TELEMETRY]: editedJson((document) => (document.execution_health.day_orb_5m_v1.fill_count = -412)) },
    ['slippage'],
    'invalid_input',
    namesFileAndKey(TELEMETRY, 'execution_health.day_orb_5m_v1.fill_count'),
  ),
  datasetFails(
    'telemetry: unparseable generated_at',
    { [TELEMETRY]: editedJson((document) => (document.generated_at = 'this morning')) },
    ['slippage'],
    'invalid_input',
    namesFileAndKey(TELEMETRY, 'generated_at'),
  ),
  accepted(
    'telemetry: zone-less generated_at is UTC',
    { [TELEMETRY]: editedJson((document) => (document.generated_at = '2026-11-24T10:10:00')) },
    {},
    async (finished) => {
      const { execution } = await dataset(finished, 'slippage');
      finished.expect(execution[0].as_of).toBe('2026-11-24T10:10:00.000Z');
    },
  ),
];

const runsIndexCases: CorpusCase[] = [
  datasetFails(
    'runs index: empty file',
    { [INDEX]: '' },
    ['turnover'],
    'invalid_input',
    namesFileAndLine(INDEX, 1),
  ),
  datasetFails('runs index: missing', { [INDEX]: null }, ['turnover'], 'missing_input', namesFile(INDEX)),
  accepted('runs index: header only', { [INDEX]: headerOnly }, {}, async (finished) => {
    finished.expect((await dataset(finished, 'turnover')).rows).toEqual([]);
  }),
  accepted(
    'runs index: BOM and CRLF',
    { [INDEX]: (text) => withBom(withCrlf(text)) },
    {},
    async (finished) => {
      finished.expect((await dataset(finished, 'turnover')).rows).toHaveLength(4);
    },
  ),
  datasetFails(
    'runs index: a row with too few columns',
    { [INDEX]: appendedRows('r5,runs/r5,day_orb_5m_v1,20261123_000000') },
    ['turnover'],
    'invalid_input',
    namesFileAndLine(INDEX, 6),
  ),
  accepted(
    'runs index: NaN trades is an unknown value',
    { [INDEX]: withCell(2, 'trades', 'NaN') },
    {},
    async (finished) => {
      finished.expect((await dataset(finished, 'turnover')).rows[0].trades).toBeNull();
    },
  ),
  datasetFails(
    'runs index: non-numeric trades',
    { [INDEX]: withCell(2, 'trades', 'sixty') },
    ['turnover'],
    'invalid_input',
    namesFileAndLine(INDEX, 2),
  ),
  datasetFails(
    'runs index: negative trades',
    { [INDEX]: withCell(3, 'trades', '-49') },
    ['turnover'],
    'invalid_input',
    namesFileAndLine(INDEX, 3),
  ),
  datasetFails(
    'runs index: unparseable timestamp',
    { [INDEX]: withCell(2, 'timestamp', '12 Nov 2026') },
    ['turnover'],
    'invalid_input',
    namesFileAndLine(INDEX, 2),
  ),
  accepted(
    'runs index: zone-less ISO timestamp is UTC',
    { [INDEX]: withCell(2, 'timestamp', '2026-11-12T06:08:01') },
    {},
    async (finished) => {
      finished
        .expect((await dataset(finished, 'turnover')).rows[0].timestamp)
        .toBe('2026-11-12T06:08:01.000Z');
    },
  ),
];

const dailyCases: CorpusCase[] = [
  datasetFails(
    'daily.csv: empty file',
    { [DAILY]: '' },
    ['turnover'],
    'invalid_input',
    namesFileAndLine(DAILY, 1),
  ),
  accepted('daily.csv: header only', { [DAILY]: headerOnly }, {}, async (finished) => {
    const row = ((await dataset(finished, 'turnover')).rows as JsonDocument[]).find(
      (item) => item.run_id === 'USDJPY_bridge_20261115_174719',
    );
    finished.expect(row).toMatchObject({ days: 0, avg_trades_per_day: null, start_date: null });
  }),
  accepted('daily.csv: BOM and CRLF', { [DAILY]: (text) => withBom(withCrlf(text)) }),
  datasetFails(
    'daily.csv: a row with too many columns',
    { [DAILY]: appendedRows('2026-11-15,1,1,0,1,0,1,1,0.5,extra') },
    ['turnover'],
    'invalid_input',
    namesFileAndSomeLine(DAILY),
  ),
  datasetFails(
    'daily.csv: non-numeric fills',
    { [DAILY]: withCell(3, 'fills', 'twelve') },
    ['turnover'],
    'invalid_input',
    namesFileAndLine(DAILY, 3),
  ),
  datasetFails(
    'daily.csv: negative fills',
    { [DAILY]: withCell(3, 'fills', '-12') },
    ['turnover'],
    'invalid_input',
    namesFileAndLine(DAILY, 3),
  ),
  datasetFails(
    'daily.csv: unparseable date',
    { [DAILY]: withCell(3, 'date', '06/11/2026') },
    ['turnover'],
    'invalid_input',
    namesFileAndLine(DAILY, 3),
  ),
];

const rollupCases: CorpusCase[] = [
  datasetFails(
    'latency rollup: empty file',
    { [ROLLUP]: '' },
    ['latency'],
    'invalid_input',
    namesFileAndLine(ROLLUP, 1),
  ),
  datasetFails(
    'latency rollup: missing',
    { [ROLLUP]: null },
    ['latency'],
    'missing_input',
    namesFile(ROLLUP),
  ),
  accepted('latency rollup: header only', { [ROLLUP]: headerOnly }, {}, async (finished) => {
    finished.expect((await dataset(finished, 'latency')).rows).toEqual([]);
  }),
  accepted('latency rollup: BOM and CRLF', { [ROLLUP]: (text) => withBom(withCrlf(text)) }),
  datasetFails(
    'latency rollup: a row with too few columns',
    { [ROLLUP]: appendedRows('2026-11-24T12:00:00Z,2026-11-24T13:00:00Z,3') },
    ['latency'],
    'invalid_input',
    namesFileAndLine(ROLLUP, 4),
  ),
  datasetFails(
    'latency rollup: non-numeric p95',
    { [ROLLUP]: withCell(2, 'p95_ms', 'slow') },
    ['latency'],
    'invalid_input',
    namesFileAndLine(ROLLUP, 2),
  ),
  datasetFails(
    'latency rollup: negative p95',
    { [ROLLUP]: withCell(2, 'p95_ms', '-880') },
    ['latency'],
    'invalid_input',
    namesFileAndLine(ROLLUP, 2),
  ),
  datasetFails(
    'latency rollup: failure_rate above 1',
    { [ROLLUP]: withCell(3, 'failure_rate', '8.3') },
    ['latency'],
    'invalid_input',
    namesFileAndLine(ROLLUP, 3),
  ),
  datasetFails(
    'latency rollup: unparseable hour_utc',
    { [ROLLUP]: withCell(2, 'hour_utc', '24/11/2026 10:00') },
    ['latency'],
    'invalid_input',
    namesFileAndLine(ROLLUP, 2),
  ),
  accepted(
    'latency rollup: zone-less hour_utc is UTC',
    { [ROLLUP]: withCell(2, 'hour_utc', '2026-11-24T10:00:00') },
    {},
    async (finished) => {
      const rows = (await dataset(finished, 'latency')).rows as JsonDocument[];
      finished.expect(rows.map((row) => row.window_start)).toContain('2026-11-24T10:00:00.000Z');
    },
  ),
  datasetFails(
    'latency rollup: binary garbage',
    { [ROLLUP]: binaryGarbage() },
    ['latency'],
    'invalid_input',
    namesFileAndSomeLine(ROLLUP),
  ),
];

function provenanceFails(
  name: string,
  content: string | Buffer | null,
  message: MessageExpectation,
  errorCode = 'invalid_input',
): CorpusCase {
  return {
    name,
    files: { [PROVENANCE]: content },
    args: ['--provenance', PROVENANCE],
    exit: 1,
    status: 'error',
    errorCode,
    message,
    check: ({ root, expect }) => expect(existsSync(join(root, MANIFEST)), 'nothing is written').toBe(false),
  };
}

const PROVENANCE_TEXT = '{\n  "command": "pipeline run",\n  "inputs": ["ops/state_archive"]\n}\n';

const provenanceCases: CorpusCase[] = [
  provenanceFails('provenance: missing', null, namesFile(PROVENANCE), 'missing_input'),
  provenanceFails('provenance: empty file', '', namesFileAndLine(PROVENANCE, 1)),
  provenanceFails(
    'provenance: truncated JSON',
    truncated(PROVENANCE_TEXT),
    namesFileAndLine(PROVENANCE, lastLine(truncated(PROVENANCE_TEXT))),
  ),
  provenanceFails(
    'provenance: a list instead of an object',
    '["pipeline run"]\n',
    namesFileAndQuote(PROVENANCE, 'is not a JSON object'),
  ),
  provenanceFails(
    'provenance: a number for command',
    '{"command": 5}\n',
    namesFileAndKey(PROVENANCE, 'command'),
  ),
  {
    ...accepted('provenance: merged into the manifest', { [PROVENANCE]: PROVENANCE_TEXT }),
    args: ['--provenance', PROVENANCE],
    check: async ({ root, expect }) => {
      const manifest = JSON.parse(await readFile(join(root, MANIFEST), 'utf8'));
      expect(manifest.provenance).toMatchObject({ command: 'pipeline run' });
      expect(manifest.provenance.inputs).toContain('ops/state_archive');
    },
  },
];

/** The job's config file, refused with exit 2 naming the key. */
function configCase(name: string, yaml: string | Buffer, message: MessageExpectation): CorpusCase {
  return invalidConfig(name, CONFIG, yaml, message);
}

const configCases: CorpusCase[] = [
  configCase(
    'config: unknown key',
    'datasets: [latency]\ndataset_limit: 3\n',
    namesFileAndKey(CONFIG, 'dataset_limit'),
  ),
  configCase('config: unknown dataset', 'datasets: [latency, pnl]\n', namesFileAndKey(CONFIG, 'datasets.1')),
  configCase(
    'config: a number for a path',
    'paths:\n  output_dir: 5\n',
    namesFileAndKey(CONFIG, 'paths.output_dir'),
  ),
  configCase(
    'config: a string for retention days',
    'notes:\n  retention_days: eight weeks\n',
    namesFileAndKey(CONFIG, 'notes.retention_days'),
  ),
  configCase(
    'config: a string for a flag default',
    'ev_history_limit: many\n',
    namesFileAndKey(CONFIG, 'ev_history_limit'),
  ),
  configCase('config: YAML syntax error', 'datasets: [latency\npaths: {}\n', namesFileAndSomeLine(CONFIG)),
  configCase('config: binary garbage', binaryGarbage(), namesFile(CONFIG)),
  accepted('config: empty file means defaults', { [CONFIG]: '' }),
];

const flagCases: CorpusCase[] = [
  invalidUsage('flags: --dataset bogus', ['--dataset', 'bogus'], '--dataset'),
  invalidUsage('flags: a job id that breaks the pattern', ['--job-id', 'dashboard-1'], '--job-id'),
  invalidUsage('flags: --now that is not a date', [], '--now', 'yesterday'),
  invalidUsage('flags: --ev-history-limit of zero', ['--ev-history-limit', '0'], '--ev-history-limit'),
  invalidUsage(
    'flags: --output-dir outside the manifest folder',
    ['--output-dir', 'out/elsewhere'],
    '--output-dir',
  ),
];

const ownStateCases: CorpusCase[] = [
  {
    name: 'own heartbeat: binary garbage is reported and rewritten',
    files: { [HEARTBEAT]: binaryGarbage() },
    exit: 0,
    status: 'dry_run',
    errorCode: 'heartbeat_corrupt',
    message: namesFile(HEARTBEAT),
  },
  accepted(
    'previous manifest: binary garbage is reported and replaced',
    { [MANIFEST]: binaryGarbage() },
    { sequence: 1 },
    ({ summary, expect }) => {
      expect(summary.diagnostics.previous_manifest_invalid).toContain(MANIFEST);
    },
  ),
];

describeCorpus({
  title: 'obs-dashboard bad-input corpus',
  binary: BIN.dashboard,
  now: NOW,
  args: ['--dry-run'],
  base: writeDashboardWorkspace,
  outputs: (path) => OUTPUTS.has(path),
  cases: [
    ...stateExportCases,
    ...telemetryCases,
    ...runsIndexCases,
    ...dailyCases,
    ...rollupCases,
    ...provenanceCases,
    ...configCases,
    ...flagCases,
    ...ownStateCases,
  ],
});
