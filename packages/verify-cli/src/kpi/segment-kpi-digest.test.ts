import type { FileLine, SealedSegment } from '@obs-automation/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KpiAccumulator, type PeriodPart } from './kpi-accumulator.js';
import { LineKinds } from './line-kinds.js';
import { runLogItem } from './run-log-entries.js';
import {
  type SegmentKpiDigest,
  SegmentKpiDigestBuilder,
  segmentKpiDigestJson,
  segmentKpiDigestOf,
} from './segment-kpi-digest.js';

const HOUR = 3_600_000;
const BASE = Date.parse('2026-11-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** One generated line: an entry of one of three jobs, a sequence repair, or a corrupt line. */
const lineArbitrary = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.record({
      kind: fc.constant('run' as const),
      job: fc.constantFrom('latency', 'weekly'),
      status: fc.constantFrom('ok', 'ok', 'warning', 'error', 'error', 'error', 'skipped', 'dry_run'),
      // mostly in order, sometimes a clock set back
      stepMinutes: fc.oneof(
        { weight: 12, arbitrary: fc.integer({ min: 0, max: 90 }) },
        { weight: 1, arbitrary: fc.integer({ min: -240, max: -1 }) },
      ),
      durationMs: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
      errorCode: fc.constantFrom('upload_failed', 'input_unreadable', undefined),
      attempts: fc.integer({ min: 1, max: 4 }),
      delivered: fc.option(fc.boolean(), { nil: undefined }),
      breachHours: fc.option(fc.tuple(fc.integer({ min: -6, max: 2 }), fc.integer({ min: 1, max: 4 })), {
        nil: undefined,
      }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'repair' as const }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      { kind: 'corrupt' as const, text: '{"job_name":' },
      { kind: 'corrupt' as const, text: '{"status":"ok"}' },
    ),
  },
);

type GeneratedLine = typeof lineArbitrary extends fc.Arbitrary<infer T> ? T : never;

/** The lines, and when each was written (a run's start; the time so far for the others). */
function logOf(generated: readonly GeneratedLine[]): { texts: string[]; times: number[] } {
  let at = BASE;
  const times: number[] = [];
  const texts = generated.map((line) => {
    times.push(at);
    if (line.kind === 'repair') {
      return JSON.stringify({
        job_name: 'verify',
        status: 'warning',
        started_at: iso(at),
        diagnostics: { error_code: 'sequence_gap' },
      });
    }
    if (line.kind === 'corrupt') return line.text;
    at += line.stepMinutes * 60_000;
    times[times.length - 1] = at;
    const warningCode = line.status === 'warning' && line.errorCode ? { error_code: line.errorCode } : {};
    const diagnostics =
      line.status === 'error' || line.status === 'skipped' ? { error_code: line.errorCode } : warningCode;
    const hour = Math.floor(at / HOUR) * HOUR;
    return JSON.stringify({
      job_name: line.job,
      status: line.status,
      sequence: 1,
      started_at: iso(at),
      attempts: line.attempts,
      ...(line.durationMs === undefined ? {} : { duration_ms: line.durationMs }),
      diagnostics,
      alerts: line.breachHours
        ? [
            {
              id: 'latency_breach',
              breach_range: {
                start: iso(hour + line.breachHours[0] * HOUR),
                end: iso(hour + (line.breachHours[0] + line.breachHours[1]) * HOUR),
              },
            },
          ]
        : [],
      summary:
        line.delivered === undefined
          ? {}
          : {
              delivered: line.delivered,
              upload: { status: line.delivered ? 'ok' : 'failed', attempts: line.attempts },
            },
    });
  });
  return { texts, times };
}

function fileLines(texts: readonly string[]): FileLine[] {
  return texts.map((text, index) => ({ number: index + 1, text, bytes: Buffer.byteLength(text) }));
}

interface Reading {
  result: ReturnType<KpiAccumulator['result']>;
  where: Record<PeriodPart, number>;
  corrupt: { count: number; items: unknown[] };
  repairs: number;
  /** segments taken from their digests, by the part of the period they fell in; `refused` were read line by line */
  digests: Record<PeriodPart | 'refused', number>;
}

/** What `obs-verify kpi` adds up: each segment from its digest when the accumulator takes it, else line by line. */
function readLog(
  pieces: readonly string[][],
  window: { fromMs: number; untilMs: number; endMs: number },
  digests: boolean,
): Reading {
  const accumulator = new KpiAccumulator(window);
  const kinds = new LineKinds();
  const where = { before: 0, in: 0, after: 0 };
  const taken = { before: 0, in: 0, after: 0, refused: 0 };
  pieces.forEach((texts, index) => {
    const sealed = index < pieces.length - 1;
    const file = sealed ? `ops/automation_runs/segment-${index}.log.gz` : undefined;
    const items = fileLines(texts).map((line) => runLogItem(line, file));
    if (sealed && digests) {
      const segment = {
        file: `segment-${index}.log.gz`,
        sha256: 'a'.repeat(64),
        lines: texts.length,
      } as SealedSegment;
      const builder = new SegmentKpiDigestBuilder(segment);
      for (const item of items) builder.add(item);
      const stored: SegmentKpiDigest = segmentKpiDigestOf(
        JSON.parse(JSON.stringify(segmentKpiDigestJson(builder.result()))),
        segment,
        file as string,
      );
      const part = accumulator.addDigest(stored);
      if (part !== null) {
        where[part] += stored.runs;
        kinds.addDigest(stored);
        taken[part] += 1;
        return;
      }
      taken.refused += 1;
    }
    for (const item of items) {
      const run = kinds.runOf(item);
      if (run !== null) where[accumulator.add(run)] += 1;
    }
  });
  return {
    result: accumulator.result(),
    where,
    corrupt: { count: kinds.corrupt.count, items: kinds.corrupt.items },
    repairs: kinds.sequenceRepairs,
    digests: taken,
  };
}

describe('KPI digests of sealed segments', () => {
  it('add up to exactly what reading every line gives, for any cut of the log and any period', () => {
    const digests = { before: 0, in: 0, after: 0, refused: 0 };
    fc.assert(
      fc.property(
        fc.array(lineArbitrary, { minLength: 0, maxLength: 120 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        // the period's edges near a line's time, so that whole segments fall before, in and after it
        fc.tuple(fc.nat(), fc.integer({ min: -1, max: 1 })),
        fc.tuple(fc.nat(), fc.integer({ min: -1, max: 1 })),
        fc.integer({ min: -24, max: 24 }),
        (generated, cuts, fromPick, untilPick, nowHours) => {
          const { texts, times } = logOf(generated);
          const points = [...new Set(cuts.map((cut) => cut % (texts.length + 1)))].sort((a, b) => a - b);
          const pieces = [...points, texts.length].map((end, index, ends) =>
            texts.slice(index === 0 ? 0 : ends[index - 1], end),
          );
          const near = ([index, minutes]: [number, number]) =>
            (times.length === 0 ? BASE : (times[index % times.length] as number)) + minutes * 60_000;
          const fromMs = Math.min(near(fromPick), near(untilPick));
          const untilMs = Math.max(near(fromPick), near(untilPick)) + 60_000;
          const nowMs = untilMs + nowHours * HOUR;
          const window = { fromMs, untilMs, endMs: Math.max(fromMs, Math.min(untilMs, nowMs)) };
          const byLine = readLog(pieces, window, false);
          const byDigest = readLog(pieces, window, true);
          expect(byDigest.result).toEqual(byLine.result);
          expect(byDigest.where).toEqual(byLine.where);
          expect(byDigest.corrupt).toEqual(byLine.corrupt);
          expect(byDigest.repairs).toBe(byLine.repairs);
          for (const part of ['before', 'in', 'after', 'refused'] as const)
            digests[part] += byDigest.digests[part];
        },
      ),
      { numRuns: 600 },
    );
    // the comparison means something only when digests were taken in every part of a period, and refused
    for (const part of ['before', 'in', 'after', 'refused'] as const)
      expect(digests[part]).toBeGreaterThan(100);
  });

  it('keeps the first of equally long gaps between successes, as reading line by line does', () => {
    const success = (minutes: number) =>
      JSON.stringify({
        job_name: 'latency',
        status: 'ok',
        sequence: 1,
        started_at: iso(BASE + minutes * 60_000),
      });
    const pieces = [[success(0), success(60)], [success(120), success(180)], []];
    const window = { fromMs: BASE, untilMs: BASE + 181 * 60_000, endMs: BASE + 181 * 60_000 };
    const byDigest = readLog(pieces, window, true);
    expect(byDigest.digests.in).toBe(2);
    expect(byDigest.result.jobs[0]?.longest_success_gap).toEqual({
      seconds: 3600,
      from: iso(BASE),
      until: iso(BASE + 3_600_000),
    });
    expect(byDigest.result).toEqual(readLog(pieces, window, false).result);
  });

  it('refuses a digest of another segment, of another format, or whose figures do not add up', () => {
    const { texts } = logOf([
      {
        kind: 'run',
        job: 'latency',
        status: 'ok',
        stepMinutes: 15,
        durationMs: 5,
        errorCode: undefined,
        attempts: 1,
        delivered: undefined,
        breachHours: undefined,
      },
      {
        kind: 'run',
        job: 'latency',
        status: 'error',
        stepMinutes: 15,
        durationMs: 5,
        errorCode: 'upload_failed',
        attempts: 1,
        delivered: undefined,
        breachHours: undefined,
      },
    ]);
    const segment = {
      file: '000000000001_000000000002.log.gz',
      sha256: 'b'.repeat(64),
      lines: 2,
    } as SealedSegment;
    const builder = new SegmentKpiDigestBuilder(segment);
    for (const line of fileLines(texts)) builder.add(runLogItem(line, 'x'));
    const json = () => JSON.parse(JSON.stringify(segmentKpiDigestJson(builder.result())));
    expect(segmentKpiDigestOf(json(), segment, 'x').runs).toBe(2);
    // biome-ignore lint/suspicious/noExplicitAny: the test edits digests of every shape
    const refusal = (change: (digest: Record<string, any>) => void, other = segment) => {
      const digest = json();
      change(digest);
      try {
        segmentKpiDigestOf(digest, other, 'x');
        return 'used';
      } catch (error) {
        return (error as Error).message;
      }
    };
    expect(refusal(() => {}, { ...segment, sha256: 'c'.repeat(64) })).toMatch(/another segment/);
    expect(refusal(() => {}, { ...segment, lines: 3 })).toMatch(/not the 3 on record/);
    expect(
      refusal((d) => {
        d.format = 'obs-automation/segment-kpi-digest@0';
      }),
    ).toMatch(/format/);
    expect(
      refusal((d) => {
        d.jobs[0].statuses.ok = 2;
      }),
    ).toMatch(/statuses do not add up/);
    expect(
      refusal((d) => {
        d.jobs[0].failures = [['upload_failed', 2]];
      }),
    ).toMatch(/failures do not add up/);
    expect(
      refusal((d) => {
        d.jobs[0].durations = [[-1, 1]];
      }),
    ).toMatch(/not a duration/);
    expect(
      refusal((d) => {
        d.jobs[0].streaks.after = null;
      }),
    ).toMatch(/first success/);
    expect(
      refusal((d) => {
        d.jobs.push(d.jobs[0]);
      }),
    ).toMatch(/twice/);
    expect(
      refusal((d) => {
        d.jobs.push({ ...d.jobs[0], job: 'weekly' });
      }),
    ).toMatch(/jobs' runs are not its runs/);
    expect(
      refusal((d) => {
        d.started.min_ms += 1;
      }),
    ).toMatch(/started times disagree/);
    expect(
      refusal((d) => {
        d.jobs[0].breaches = [[5, 4]];
      }),
    ).toMatch(/ends before it starts/);
    expect(
      refusal((d) => {
        d.corrupt = { count: 1, examples: [{ line: 1, problem: 'not JSON\n# injected heading' }] };
        d.runs = 1;
      }),
    ).toMatch(/not a short line of text/);
    expect(
      refusal((d) => {
        d.jobs = 'all';
      }),
    ).toMatch(/not a list/);
  });
});
