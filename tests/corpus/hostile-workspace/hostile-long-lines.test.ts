import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExpectStatic } from 'vitest';
import { LATENCY, VERIFY, WEEKLY } from '../support/jobs-under-test.js';
import { describeHostile, type HostileCase, LATENCY_RECORD } from './support/hostile-runner.js';
import { plantLongLine } from './support/plant.js';

/**
 * Class 3 of the trust rules: a line of any length costs bounded memory and linear time. A raw
 * latency line over the 64 KiB record limit is rejected once, with its length, and kept whole in
 * the rejects file (copied from the raw file in chunks, never held): nothing the user wrote is
 * silently dropped. `obs-latency record --from-jsonl` bounds its lines the same way; the other
 * readers of latency rows and of the run log measure such a line without keeping it.
 */

const MIB = 1024 * 1024;
/** Far larger than any bound below: a reader holding the line (let alone twice) would pass it. */
const LINE_BYTES = 128 * MIB;
/** A run's peak resident memory may not grow with the line: about 60–100 MB whatever its length. */
const MAX_RSS_MB = 160;

const RAW = 'ops/signal_latency.csv';
const REJECTS = 'ops/signal_latency_rejects.csv';
const HEADER = 'timestamp_utc,source,latency_ms,ingest_latency_ms,status,detail';
const REASON = `line of ${LINE_BYTES} bytes is longer than the limit of 65536 bytes`;

/**
 * The rejects file holds exactly one row for the line, `<line>,<reason>,"<every byte of it>",…`:
 * its raw column is found and its run of fill bytes counted, without building a string of it.
 */
async function expectWholeLineRejected(root: string, line: number, expect: ExpectStatic): Promise<void> {
  const rejects = await readFile(join(root, REJECTS));
  const start = rejects.indexOf(Buffer.from(`\n${line},${REASON},"`));
  expect(start, `row of line ${line} in the rejects file`).toBeGreaterThan(0);
  const from = start + `\n${line},${REASON},"`.length;
  const end = rejects.indexOf(0x22, from);
  expect(end - from, 'bytes of the line kept').toBe(LINE_BYTES);
  expect(rejects.subarray(from, end).every((byte) => byte === 0x78)).toBe(true);
}

const cases: HostileCase[] = [
  {
    name: `latency: a ${LINE_BYTES / MIB} MiB raw line is rejected once and kept whole`,
    job: LATENCY,
    plant: (sandbox) =>
      plantLongLine(sandbox.root, RAW, {
        before: `${HEADER}\n2025-10-06T11:05:00Z,router_demo,130,,success,\n`,
        length: LINE_BYTES,
        after: '\n2025-10-06T11:35:00Z,router_demo,140,,success,\n',
      }),
    exit: 0,
    status: 'dry_run',
    errorCode: null,
    maxRssMb: MAX_RSS_MB,
    check: async ({ sandbox, summary, expect }) => {
      expect(summary).toMatchObject({ rows_rejected: 1, samples_analyzed: 2 });
      await expectWholeLineRejected(sandbox.root, 3, expect);
    },
  },
  {
    name: `latency: a ${LINE_BYTES / MIB} MiB raw line ending in CRLF is kept without its CR`,
    job: LATENCY,
    plant: (sandbox) =>
      plantLongLine(sandbox.root, RAW, {
        before: `${HEADER}\r\n2025-10-06T11:05:00Z,router_demo,130,,success,\r\n`,
        length: LINE_BYTES,
        after: '\r\n2025-10-06T11:35:00Z,router_demo,140,,success,\r\n',
      }),
    exit: 0,
    status: 'dry_run',
    errorCode: null,
    maxRssMb: MAX_RSS_MB,
    check: ({ sandbox, expect }) => expectWholeLineRejected(sandbox.root, 3, expect),
  },
  {
    name: `latency record --from-jsonl: a ${LINE_BYTES / MIB} MiB JSON line is rejected with its number and kept whole`,
    job: LATENCY_RECORD,
    args: ['--from-jsonl', 'in/samples.jsonl'],
    plant: (sandbox) =>
      plantLongLine(sandbox.root, 'in/samples.jsonl', {
        before: '{"source":"a","latency_ms":1,"timestamp":"2025-10-06T11:50:00Z"}\n',
        length: LINE_BYTES,
        after: '\n{"source":"b","latency_ms":2,"timestamp":"2025-10-06T11:51:00Z"}\n',
      }),
    exit: 0,
    status: 'warning',
    errorCode: 'rows_rejected',
    mentions: ['in/samples.jsonl:2'],
    maxRssMb: MAX_RSS_MB,
    check: async ({ sandbox, summary, expect }) => {
      expect(summary).toMatchObject({
        samples_written: 2,
        rows_rejected: 1,
        rejected: [{ line: 2, reason: REASON }],
      });
      await expectWholeLineRejected(sandbox.root, 2, expect);
    },
  },
  {
    name: `weekly: a ${LINE_BYTES / MIB} MiB raw line is skipped and reported, not held`,
    job: WEEKLY,
    plant: async (sandbox) =>
      plantLongLine(sandbox.root, RAW, {
        before: await readFile(join(sandbox.root, RAW), 'utf8'),
        length: LINE_BYTES,
        after: '\n',
      }),
    exit: 0,
    status: 'dry_run',
    errorCode: null,
    maxRssMb: MAX_RSS_MB,
    check: ({ summary, expect }) =>
      expect(summary.diagnostics.latency_rows_skipped).toEqual([
        expect.objectContaining({ file: RAW, count: 1 }),
      ]),
  },
  {
    name: `verify: a ${LINE_BYTES / MIB} MiB run log line is measured, reported and not held`,
    job: VERIFY,
    plant: async (sandbox) =>
      plantLongLine(sandbox.root, 'ops/automation_runs.log', {
        before: await readFile(join(sandbox.root, 'ops/automation_runs.log'), 'utf8'),
        length: LINE_BYTES,
        after: '\n',
      }),
    exit: 1,
    status: 'error',
    errorCode: 'verification_failed',
    failures: ['line_too_long'],
    maxRssMb: MAX_RSS_MB,
  },
];

describeHostile('hostile workspace, class 3: lines of any length', cases);
