import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { fitLogLine, MAX_LOG_LINE_BYTES } from './log-line-limit.js';
import type { LogAlert, RunLogEntry } from './run-log-entry.js';
import { bundledSchemaPath, schemaValidator, type Validator } from './schema-validator.js';

let validate: Validator;

beforeAll(async () => {
  validate = await schemaValidator(bundledSchemaPath('automation_run.schema.json'));
});

function entry(overrides: Partial<RunLogEntry> = {}): RunLogEntry {
  return {
    job_id: '20260101T000000Z-latency',
    job_name: 'latency',
    status: 'warning',
    sequence: 7,
    logged_at: '2026-01-01T00:00:00.000Z',
    started_at: '2026-01-01T00:00:00.000Z',
    duration_ms: 12,
    attempts: 1,
    artefacts: [],
    alerts: [],
    diagnostics: {},
    context: { commit_sha: 'abc', environment: 'production', scheduler: 'cron' },
    ...overrides,
  };
}

function alert(index: number, message: string): LogAlert {
  return {
    id: `latency-p95-${index}`,
    severity: index % 2 ? 'critical' : 'warning',
    message,
    breach_range: { start: '2026-01-01T00:00:00Z', end: '2026-01-01T01:00:00Z' },
    evidence_path: `ops/evidence/${index}.json`,
  };
}

function decoded(line: string): RunLogEntry {
  expect(line).not.toContain('\n');
  expect(Buffer.byteLength(line) + 1).toBeLessThan(MAX_LOG_LINE_BYTES);
  const parsed = JSON.parse(line) as RunLogEntry;
  expect(validate(parsed)).toEqual([]);
  return parsed;
}

describe('fitLogLine', () => {
  it('leaves an entry that fits untouched', () => {
    const small = entry({ summary: { rows: 3 } });
    expect(fitLogLine(small)).toEqual({ line: JSON.stringify(small), truncated: false });
  });

  it('logs a 20 KB entry truncated, with diagnostics saying what was dropped', () => {
    const big = entry({
      artefacts: Array.from(
        { length: 200 },
        (_, index) => `out/dashboard/history/2026-01-01/dataset-${index}.json`,
      ),
      alerts: Array.from({ length: 60 }, (_, index) => alert(index, `p95 above SLO in window ${index}`)),
      diagnostics: { error_code: 'slo_breach', error_message: 'p95 above SLO' },
      summary: { rows: 'x'.repeat(2000) },
    });
    const originalBytes = Buffer.byteLength(JSON.stringify(big)) + 1;
    expect(originalBytes).toBeGreaterThan(20_000);

    const { line, truncated } = fitLogLine(big);
    const fitted = decoded(line);
    expect(truncated).toBe(true);
    expect(fitted.summary).toBeUndefined();
    expect(fitted.diagnostics).toMatchObject({
      error_code: 'slo_breach',
      error_message: 'p95 above SLO',
      truncated: true,
      original_bytes: originalBytes,
    });
    const omittedArtefacts = fitted.diagnostics.omitted_artefacts as number;
    const omittedAlerts = fitted.diagnostics.omitted_alerts as number;
    expect(fitted.artefacts.length + omittedArtefacts).toBe(200);
    expect(fitted.alerts.length + omittedAlerts).toBe(60);
    expect(fitted.artefacts).toEqual(big.artefacts.slice(0, fitted.artefacts.length));
    expect(fitted.alerts).toEqual(big.alerts.slice(0, fitted.alerts.length));
    expect(fitted.artefacts.length).toBeGreaterThan(0);
  });

  it('drops only the summary when that is enough', () => {
    const fitted = decoded(
      fitLogLine(entry({ artefacts: ['out/a.json'], summary: { blob: 'y'.repeat(5000) } })).line,
    );
    expect(fitted.artefacts).toEqual(['out/a.json']);
    expect(fitted.diagnostics.omitted_artefacts).toBeUndefined();
    expect(fitted.diagnostics.truncated).toBe(true);
  });

  it('cuts long strings but keeps the error code readable', () => {
    const fitted = decoded(
      fitLogLine(
        entry({
          status: 'error',
          diagnostics: {
            error_code: 'input_unreadable',
            error_message: 'z'.repeat(10_000),
            path: 'p'.repeat(9000),
          },
        }),
      ).line,
    );
    expect(fitted.diagnostics.error_code).toBe('input_unreadable');
    expect(String(fitted.diagnostics.error_message)).toMatch(/^z+…$/);
  });

  it('still fits when the identity fields themselves are huge', () => {
    const fitted = decoded(
      fitLogLine(
        entry({
          job_id: `20260101T000000Z-${'a'.repeat(5000)}`,
          job_name: 'n'.repeat(5000),
          parent_job_id: `20260101T000000Z-${'d'.repeat(5000)}`,
          context: { commit_sha: 'c'.repeat(5000), environment: '\u0001'.repeat(5000), scheduler: 'cron' },
          diagnostics: {
            error_code: 'e'.repeat(5000),
            many: Array.from({ length: 500 }, (_, index) => index),
          },
        }),
      ).line,
    );
    expect(fitted.job_id.startsWith('20260101T000000Z-aaa')).toBe(true);
    expect(fitted.sequence).toBe(7);
  });

  it('counts omitted items on top of counts the job already reported', () => {
    const fitted = decoded(
      fitLogLine(
        entry({
          artefacts: Array.from({ length: 500 }, (_, index) => `out/${index}.json`),
          diagnostics: { omitted_artefacts: 1000 },
        }),
      ).line,
    );
    expect(fitted.artefacts.length + (fitted.diagnostics.omitted_artefacts as number)).toBe(1500);
  });

  it('property: any entry, however large, becomes one schema-valid line under 4096 bytes', () => {
    const text = fc.string({ unit: 'binary', maxLength: 3000 });
    const alertArb = fc.record({
      id: fc.string({ minLength: 1, maxLength: 200 }),
      severity: fc.constantFrom('info', 'warning', 'critical'),
      message: text,
      breach_range: fc.option(fc.oneof(text, fc.record({ start: text, end: text })), { nil: null }),
      evidence_path: fc.option(text, { nil: null }),
    });
    const entryArb = fc.record({
      job_id: fc.stringMatching(/^[0-9]{8}T[0-9]{6}Z-[a-z0-9_-]{1,300}$/),
      job_name: fc.string({ minLength: 1, maxLength: 400 }),
      status: fc.constantFrom('ok', 'warning', 'error', 'skipped', 'dry_run'),
      sequence: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
      duration_ms: fc.nat(),
      attempts: fc.nat({ max: 20 }),
      artefacts: fc.array(fc.string({ minLength: 1, maxLength: 600 }), { maxLength: 150 }),
      alerts: fc.array(alertArb, { maxLength: 40 }),
      diagnostics: fc.record(
        {
          error_code: fc.string({ maxLength: 100 }),
          error_message: text,
          retry_after: fc.double({ min: 0, max: 1e6, noNaN: true }),
          extra: fc.dictionary(fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 30 }),
        },
        { requiredKeys: [] },
      ),
      summary: fc.option(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })), { nil: undefined }),
      commit_sha: fc.string({ minLength: 1, maxLength: 300 }),
      environment: fc.string({ minLength: 1, maxLength: 300 }),
    });
    fc.assert(
      fc.property(entryArb, (generated) => {
        const { commit_sha, environment, summary, ...rest } = generated;
        const input = entry({
          ...rest,
          context: { commit_sha, environment, scheduler: 'unknown' },
          ...(summary ? { summary } : {}),
        });
        const { line, truncated } = fitLogLine(input);
        const bytes = Buffer.byteLength(line) + 1;
        expect(bytes).toBeLessThan(MAX_LOG_LINE_BYTES);
        const parsed = JSON.parse(line) as RunLogEntry;
        expect(validate(parsed)).toEqual([]);
        const originalBytes = Buffer.byteLength(JSON.stringify(input)) + 1;
        expect(truncated).toBe(originalBytes >= MAX_LOG_LINE_BYTES);
        if (truncated) {
          expect(parsed.diagnostics.truncated).toBe(true);
          expect(parsed.diagnostics.original_bytes).toBe(originalBytes);
        }
        expect(parsed.sequence).toBe(input.sequence);
        expect(parsed.status).toBe(input.status);
      }),
      { numRuns: 300 },
    );
  });
});
