import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JobError } from './job-error.js';
import { JOB_ID_PATTERN, jobIdTimeMs, jobSlug, makeJobId, validateJobId } from './job-id.js';
import { compactUtcStamp } from './timestamp-format.js';

const AT = new Date('2026-03-04T05:06:07.890Z');

function thrown(run: () => unknown): JobError {
  try {
    run();
  } catch (error) {
    if (error instanceof JobError) return error;
    throw error;
  }
  throw new Error('expected a JobError');
}

describe('jobSlug', () => {
  it.each([
    ['latency', 'latency'],
    ['Observability Latency', 'observability-latency'],
    ['weekly report v2', 'weekly-report-v2'],
    ['dash_board-01', 'dash_board-01'],
    ['Prod/EU: latency!', 'prodeu-latency'],
    ['Ünïcødé job', 'ncd-job'],
    ['  padded  ', '--padded--'],
  ])('%j → %j', (name, slug) => {
    expect(jobSlug(name)).toBe(slug);
  });

  it.each(['', '!!!', '日本語', '@#$%'])('rejects %j, whose slug is empty, as a usage error', (name) => {
    const error = thrown(() => jobSlug(name));
    expect(error.code).toBe('invalid_usage');
    expect(error.exitCode).toBe(2);
    expect(error.details.flag).toBe('--job-name');
  });
});

describe('makeJobId', () => {
  it('is the UTC second of the clock, then the slug', () => {
    expect(makeJobId('Observability Latency', AT)).toBe('20260304T050607Z-observability-latency');
  });

  it('uses UTC whatever the offset the clock was given in', () => {
    expect(makeJobId('daily', new Date('2026-03-04T23:30:00-02:00'))).toBe('20260305T013000Z-daily');
  });

  it('always matches the pattern', () => {
    expect(makeJobId('x', AT)).toMatch(JOB_ID_PATTERN);
    expect(compactUtcStamp(AT)).toBe('20260304T050607Z');
  });
});

describe('validateJobId', () => {
  it('accepts an id matching ^[0-9]{8}T[0-9]{6}Z-[a-z0-9_-]+$', () => {
    expect(validateJobId('20260304T050607Z-weekly_report-2')).toBe('20260304T050607Z-weekly_report-2');
  });

  it.each([
    'latency',
    '20260304T050607Z-',
    '20260304T050607-latency',
    '20260304T050607Z-Latency',
    '2026030T050607Z-latency',
    '20260304T050607Z-lat ency',
    ' 20260304T050607Z-latency',
  ])('rejects %j naming --job-id', (id) => {
    const error = thrown(() => validateJobId(id));
    expect(error.code).toBe('invalid_usage');
    expect(error.exitCode).toBe(2);
    expect(error.details.flag).toBe('--job-id');
    expect(error.message).toContain(id);
  });
});

describe('jobIdTimeMs', () => {
  it('reads the UTC time a job id starts with', () => {
    expect(jobIdTimeMs('20261114T140000Z-dashboard')).toBe(Date.parse('2026-11-14T14:00:00Z'));
    expect(jobIdTimeMs(makeJobId('weekly', new Date('2026-03-04T05:06:07Z')))).toBe(
      Date.parse('2026-03-04T05:06:07Z'),
    );
  });

  it('gives what Date.parse gives for any stamp, real or not', () => {
    // each field from just below to just past its range, so both paths are taken
    const field = (min: number, max: number) =>
      fc.integer({ min, max }).map((value) => String(value).padStart(2, '0'));
    fc.assert(
      fc.property(
        fc.tuple(
          field(0, 99),
          field(0, 99),
          field(0, 13),
          field(0, 32),
          field(0, 24),
          field(0, 60),
          field(0, 60),
        ),
        ([century, year, month, day, hour, minute, second]) => {
          const id = `${century}${year}${month}${day}T${hour}${minute}${second}Z-latency`;
          const parsed = Date.parse(`${century}${year}-${month}-${day}T${hour}:${minute}:${second}Z`);
          expect(jobIdTimeMs(id)).toBe(Number.isNaN(parsed) ? null : parsed);
        },
      ),
      { numRuns: 2000 },
    );
    expect(jobIdTimeMs('20240229T235959Z-x')).toBe(Date.parse('2024-02-29T23:59:59Z'));
    expect(jobIdTimeMs('20230229T000000Z-x')).toBe(
      Number.isNaN(Date.parse('2023-02-29T00:00:00Z')) ? null : Date.parse('2023-02-29T00:00:00Z'),
    );
  });

  it.each(['dashboard', '20261114T140000Z', '20261314T140000Z-dashboard', '2026-11-14T14:00:00Z-x'])(
    'gives null for %j',
    (name) => {
      expect(jobIdTimeMs(name)).toBeNull();
    },
  );
});
