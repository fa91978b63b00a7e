import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DASHBOARD_MANIFEST,
  HEARTBEATS,
  LOG,
  runLogEntry,
  SEQUENCE,
} from '../verify/support/verify-workspace.js';
import {
  appendedRows,
  binaryGarbage,
  editedJson,
  hugeLine,
  truncated,
  withBom,
  withCrlf,
} from './support/bad-inputs.js';
import { invalidUsage } from './support/case-builders.js';
import type { CorpusCase } from './support/corpus-case.js';
import { describeCorpus } from './support/corpus-runner.js';
import {
  namesFile,
  namesFileAndKey,
  namesFileAndLine,
  namesFileAndSomeLine,
} from './support/message-expectation.js';
import { CORRUPT_LOG, fails, passes, rebuildCase, VERIFY_TABLE } from './support/verify-table.js';

const LATENCY_HEARTBEAT = HEARTBEATS.latency;

const logCases: CorpusCase[] = [
  fails(
    'log: a line that is not JSON',
    { [LOG]: appendedRows('not json at all') },
    'log_schema',
    namesFileAndLine(LOG, 7),
  ),
  fails(
    'log: a torn last line (no newline)',
    { [LOG]: (text) => `${text}${truncated(JSON.stringify(runLogEntry({ sequence: 7 })))}` },
    'log_schema',
    namesFileAndLine(LOG, 7),
  ),
  fails(
    'log: an entry of the wrong shape',
    { [LOG]: appendedRows(JSON.stringify({ ...runLogEntry({ sequence: 7 }), status: 'great' })) },
    'log_schema',
    namesFileAndLine(LOG, 7),
  ),
  fails(
    'log: a string for a number',
    { [LOG]: appendedRows(JSON.stringify({ ...runLogEntry({ sequence: 7 }), duration_ms: '42' })) },
    'log_schema',
    namesFileAndLine(LOG, 7),
  ),
  fails(
    'log: a 10 MB single line',
    { [LOG]: appendedRows(JSON.stringify({ ...runLogEntry({ sequence: 7 }), padding: hugeLine() })) },
    'log_schema',
    namesFileAndLine(LOG, 7),
  ),
  {
    name: 'log: binary garbage',
    files: { [LOG]: binaryGarbage(), [SEQUENCE]: null },
    exit: 1,
    status: 'error',
    errorCode: 'verification_failed',
    message: namesFileAndSomeLine(LOG),
  },
  fails(
    'log: a UTF-8 BOM before the first entry',
    { [LOG]: withBom },
    'log_schema',
    namesFileAndLine(LOG, 1),
  ),
  passes('log: CRLF line ends', { [LOG]: withCrlf }),
  passes('log: empty, with no sequence file', { [LOG]: '', [SEQUENCE]: null }),
  fails(
    'log: a duplicate sequence',
    { [LOG]: appendedRows(JSON.stringify(runLogEntry({ sequence: 6 }))) },
    'sequence',
    namesFileAndLine(LOG, 7),
  ),
  fails(
    'log: a gap in the sequence',
    { [LOG]: appendedRows(JSON.stringify(runLogEntry({ sequence: 9 }))), [SEQUENCE]: '{"value": 9}\n' },
    'sequence',
    namesFileAndLine(LOG, 7),
  ),
  fails('sequence file: binary garbage', { [SEQUENCE]: binaryGarbage() }, 'sequence', namesFile(SEQUENCE)),
  fails(
    'sequence file: a string for the value',
    { [SEQUENCE]: '{"value": "6"}\n' },
    'sequence',
    namesFile(SEQUENCE),
  ),
  fails('sequence file: behind the log', { [SEQUENCE]: '{"value": 5}\n' }, 'sequence', namesFile(SEQUENCE)),
];

const heartbeatCases: CorpusCase[] = [
  fails('heartbeat: missing', { [LATENCY_HEARTBEAT]: null }, 'heartbeat_fresh', namesFile(LATENCY_HEARTBEAT)),
  // A last_success_at that is present but not a timestamp is corrupt; it never falls back to generated_at.
  fails(
    'heartbeat: unparseable last_success_at',
    { [LATENCY_HEARTBEAT]: editedJson((document) => (document.last_success_at = 'an hour ago')) },
    'heartbeat_fresh',
    namesFileAndKey(LATENCY_HEARTBEAT, 'last_success_at'),
  ),
  fails(
    'heartbeat: a number for last_success_at',
    { [LATENCY_HEARTBEAT]: editedJson((document) => (document.last_success_at = 1759748400)) },
    'heartbeat_fresh',
    namesFileAndKey(LATENCY_HEARTBEAT, 'last_success_at'),
  ),
  fails(
    'heartbeat: binary garbage',
    { [LATENCY_HEARTBEAT]: binaryGarbage() },
    'heartbeat_fresh',
    namesFile(LATENCY_HEARTBEAT),
  ),
  fails(
    'heartbeat: truncated JSON',
    { [LATENCY_HEARTBEAT]: truncated },
    'heartbeat_fresh',
    namesFile(LATENCY_HEARTBEAT),
  ),
  fails(
    'heartbeat: a list instead of an object',
    { [LATENCY_HEARTBEAT]: '[]\n' },
    'heartbeat_fresh',
    namesFile(LATENCY_HEARTBEAT),
  ),
  passes('heartbeat: zone-less last_success_at is UTC', {
    [LATENCY_HEARTBEAT]: editedJson((document) => (document.last_success_at = '2025-10-06T11:30:00')),
  }),
  passes('heartbeat: CRLF line ends', { [LATENCY_HEARTBEAT]: withCrlf }),
  fails(
    'heartbeat: status error',
    { [LATENCY_HEARTBEAT]: editedJson((document) => (document.status = 'error')) },
    'heartbeat_fresh',
    namesFileAndKey(LATENCY_HEARTBEAT, 'status'),
  ),
];

const manifestCases: CorpusCase[] = [
  fails(
    'dashboard manifest: binary garbage',
    { [DASHBOARD_MANIFEST]: binaryGarbage() },
    'dashboard_manifest',
    namesFile(DASHBOARD_MANIFEST),
  ),
  fails(
    'dashboard manifest: truncated JSON',
    { [DASHBOARD_MANIFEST]: truncated },
    'dashboard_manifest',
    namesFile(DASHBOARD_MANIFEST),
  ),
  fails(
    'dashboard manifest: a string for the sequence',
    { [DASHBOARD_MANIFEST]: editedJson((document) => (document.sequence = '1')) },
    'dashboard_manifest',
    namesFileAndKey(DASHBOARD_MANIFEST, 'sequence'),
  ),
  fails(
    'dashboard manifest: a dataset whose bytes changed',
    { 'out/dashboard/latency.json': (text) => text.replace('880', '881') },
    'dashboard_manifest',
    namesFile('latency.json'),
  ),
];

const flagCases: CorpusCase[] = [
  invalidUsage('flags: a --job-id that breaks the pattern', ['--job-id', 'yesterday-latency'], '--job-id'),
  invalidUsage('flags: --now that is not a date', [], '--now', 'tomorrow'),
  invalidUsage('flags: --since that is not a date', ['--since', 'last week'], '--since'),
  invalidUsage(
    'flags: negative --max-heartbeat-age-hours',
    ['--max-heartbeat-age-hours', '-6'],
    '--max-heartbeat-age-hours',
  ),
  invalidUsage('flags: --require-job-entry without --job-id', ['--require-job-entry'], '--require-job-entry'),
];

/**
 * rebuild-log keeps every valid line and moves each corrupt one, with its number, to <log>.corrupt;
 * the run is a warning naming the log.
 */
const rebuildCases: CorpusCase[] = [
  rebuildCase('rebuild-log: corrupt lines are kept aside with their numbers', namesFileAndLine(LOG, 2)),
  {
    name: 'rebuild-log: binary garbage',
    command: ['rebuild-log'],
    files: { [LOG]: binaryGarbage() },
    exit: 0,
    status: 'warning',
    errorCode: 'corrupt_lines',
    message: namesFile(LOG),
    summary: { kept: 0 },
    check: async ({ root, summary, expect }) => {
      expect(summary.corrupt).toBeGreaterThan(0);
      expect((await readFile(join(root, CORRUPT_LOG))).length).toBeGreaterThan(0);
    },
  },
];

/** obs-verify bundle on a manifest that is not one. */
const bundleCases: CorpusCase[] = [
  {
    name: 'bundle: binary garbage manifest',
    command: ['bundle'],
    files: { [DASHBOARD_MANIFEST]: binaryGarbage() },
    exit: 1,
    status: 'error',
    errorCode: 'verification_failed',
    message: namesFile(DASHBOARD_MANIFEST),
  },
  {
    name: 'bundle: a list instead of an object',
    command: ['bundle'],
    files: { [DASHBOARD_MANIFEST]: '[]\n' },
    exit: 1,
    status: 'error',
    errorCode: 'verification_failed',
    message: namesFile(DASHBOARD_MANIFEST),
  },
];

describeCorpus({
  ...VERIFY_TABLE,
  title: 'obs-verify bad-input corpus',
  cases: [...logCases, ...heartbeatCases, ...manifestCases, ...flagCases, ...rebuildCases, ...bundleCases],
});
