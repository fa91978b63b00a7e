import fc from 'fast-check';

/**
 * Raw latency rows built cell by cell, each cell chosen with its verdict under obs-latency's
 * rule, so a generated file knows which of its rows count and with which latency.
 */

export type Layout = 'written' | 'earlier' | 'notifier';

export const HEADERS: Record<Layout, string> = {
  written: 'timestamp_utc,source,latency_ms,ingest_latency_ms,status,detail',
  earlier: 'timestamp_utc,latency_ms,status,detail,source',
  notifier: 'ts_emit,ts_ack,status,signal_id',
};

export interface RawRow {
  text: string;
  /** the latency it counts with; null when obs-latency rejects the row */
  latencyMs: number | null;
}

/** A cell and whether the row may still count with it. */
interface Cell<T> {
  text: string;
  value: T | null;
}

/** The week the rows fall in (Monday 2025-10-06) and the clock the jobs run at. */
export const WEEK_START = '2025-10-06';
export const JOBS_NOW = '2025-10-13T00:30:00Z';
const FIRST_MS = Date.parse('2025-10-07T10:00:00Z');

const good = <T>(text: string, value: T): Cell<T> => ({ text, value });
const bad = (text: string): Cell<never> => ({ text, value: null });

const latencyCell: fc.Arbitrary<Cell<number>> = fc.constantFrom(
  good('0', 0),
  good('12', 12),
  good('12.5', 12.5),
  good(' 7 ', 7),
  good('+3', 3),
  good('.5', 0.5),
  good('5.', 5),
  good('1e3', 1000),
  good('2E2', 200),
  good('2100.000000', 2100),
  bad('0x10'),
  bad('abc'),
  bad(''),
  bad('-5'),
  bad('NaN'),
  bad('Infinity'),
  bad('1e400'),
  bad('12ms'),
  bad('1_000'),
);

const ingestCell: fc.Arbitrary<Cell<true>> = fc.constantFrom(
  good('', true),
  good('3', true),
  good('0.25', true),
  bad('abc'),
  bad('0x10'),
  bad('-1'),
  bad('NaN'),
);

/** Timestamps of the sample at `ms` in every accepted spelling, and spellings that are not one. */
function timestampCell(ms: number): fc.Arbitrary<Cell<number>> {
  const iso = new Date(ms).toISOString();
  const plain = iso.replace('.000Z', '');
  const inTokyo = new Date(ms + 9 * 3_600_000).toISOString().replace('.000Z', '+09:00');
  return fc.constantFrom(
    good(`${plain}Z`, ms),
    good(iso, ms),
    good(plain, ms),
    good(plain.replace('T', ' '), ms),
    good(inTokyo, ms),
    bad('yesterday'),
    bad(''),
    bad('2025-02-30T10:00:00Z'),
    bad('2025-10-07T24:00:00Z'),
    bad(`${plain}Q`),
    bad('1760000000'),
  );
}

const statusCell = fc.constantFrom('success', '', 'error', 'OK', 'timeout');
const detailCell = fc.constantFrom('', 'x', '"a, b"', '"say ""hi"""');
const sourceCell = fc.constantFrom('router', 'a', '');
/** How a row's field count goes wrong, if it does. */
const shapeCell = fc.constantFrom('ok', 'ok', 'ok', 'ok', 'missing', 'extra');

function shaped(fields: string[], shape: string): { text: string; fits: boolean } {
  if (shape === 'missing') return { text: fields.slice(0, -1).join(','), fits: false };
  if (shape === 'extra') return { text: [...fields, 'extra'].join(','), fits: false };
  return { text: fields.join(','), fits: true };
}

function countsWith(cells: Cell<unknown>[], fits: boolean, latencyMs: number | null): number | null {
  return fits && cells.every((cell) => cell.value !== null) ? latencyMs : null;
}

function sampleRow(layout: 'written' | 'earlier', minute: number): fc.Arbitrary<RawRow> {
  const ms = FIRST_MS + minute * 60_000;
  return fc
    .record({
      at: timestampCell(ms),
      latency: latencyCell,
      ingest: ingestCell,
      status: statusCell,
      detail: detailCell,
      source: sourceCell,
      shape: shapeCell,
    })
    .map(({ at, latency, ingest, status, detail, source, shape }) => {
      const fields =
        layout === 'written'
          ? [at.text, source, latency.text, ingest.text, status, detail]
          : [at.text, latency.text, status, detail, source];
      const cells = layout === 'written' ? [at, latency, ingest] : [at, latency];
      const { text, fits } = shaped(fields, shape);
      return { text, latencyMs: countsWith(cells, fits, latency.value) };
    });
}

function notifierRow(minute: number): fc.Arbitrary<RawRow> {
  const ackMs = FIRST_MS + minute * 60_000;
  return fc
    .record({
      // ack − emit is the latency, clamped at 0 (an emit after the ack counts as 0 ms)
      latency: fc.integer({ min: -500, max: 5000 }),
      emit: fc.boolean(),
      ack: timestampCell(ackMs),
      status: statusCell,
      source: sourceCell,
      shape: shapeCell,
    })
    .map(({ latency, emit, ack, status, source, shape }) => {
      const emitted = emit ? good(new Date(ackMs - latency).toISOString(), true) : bad('soon');
      const { text, fits } = shaped([emitted.text, ack.text, status, source], shape);
      return { text, latencyMs: countsWith([emitted, ack], fits, Math.max(0, latency)) };
    });
}

export interface RawFile {
  layout: Layout;
  rows: RawRow[];
  text: string;
}

/** A raw file of one header layout: up to 40 rows, one a minute from 2025-10-07 10:00 UTC. */
export const rawFiles: fc.Arbitrary<RawFile> = fc
  .constantFrom<Layout>('written', 'earlier', 'notifier')
  .chain((layout) =>
    fc
      .integer({ min: 0, max: 40 })
      .chain((count) =>
        fc.tuple(
          ...Array.from({ length: count }, (_, minute) =>
            layout === 'notifier' ? notifierRow(minute * 7) : sampleRow(layout, minute * 7),
          ),
        ),
      )
      .map((rows) => ({
        layout,
        rows,
        text: `${[HEADERS[layout], ...rows.map((row) => row.text)].join('\n')}\n`,
      })),
  );

/** The latencies of the rows that count, in file order. */
export function countedLatencies(file: RawFile): number[] {
  return file.rows.flatMap((row) => (row.latencyMs === null ? [] : [row.latencyMs]));
}
