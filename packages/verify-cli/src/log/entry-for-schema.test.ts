import { readFile } from 'node:fs/promises';
import { bundledSchemaPath, RUN_LOG_SCHEMA, schemaValidator, type Validator } from '@obs-automation/core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseEntryForSchema } from './entry-for-schema.js';

let validate: Validator;
beforeAll(async () => {
  validate = await schemaValidator(bundledSchemaPath(RUN_LOG_SCHEMA));
});

/** A chain entry as the jobs write it, long enough for the summary to be skipped. */
function entry(summary: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    job_id: '20261124T121000Z-latency',
    job_name: 'latency',
    status: 'ok',
    sequence: 7,
    logged_at: '2026-11-24T12:10:00.000Z',
    started_at: '2026-11-24T12:10:00.000Z',
    duration_ms: 146,
    attempts: 1,
    artefacts: ['ops/signal_latency_rollup.csv', 'x'.repeat(600)],
    alerts: [],
    diagnostics: {},
    parent_job_id: '20261124T121000Z-daily',
    context: { commit_sha: 'abc', environment: 'production', scheduler: 'cron' },
    ...extra,
    summary,
  };
}

type Outcome = { threw: string } | { issues: string; fields: unknown };

/** What the line rules see of a line: whether it parses, the schema's verdict, every field but the summary. */
function outcome(text: string, parse: (text: string) => unknown): Outcome {
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    return { threw: (error as Error).message };
  }
  const fields =
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? { ...(value as Record<string, unknown>), summary: typeof (value as { summary?: unknown }).summary }
      : value;
  return { issues: JSON.stringify(validate(value)), fields };
}

function expectSameOutcome(text: string): void {
  expect(outcome(text, parseEntryForSchema), text).toEqual(outcome(text, JSON.parse));
}

describe('parseEntryForSchema', () => {
  it('leaves out a compact object summary at the end of a long line', () => {
    const text = JSON.stringify(entry({ status: 'ok', jobs: [{ job: 'latency', status: 'ok' }], n: 1.5e3 }));
    expect(parseEntryForSchema(text)).toEqual({ ...entry({}), summary: {} });
    expectSameOutcome(text);
  });

  it('relies on the schema asking only that the summary be an object', async () => {
    const schema = JSON.parse(await readFile(bundledSchemaPath(RUN_LOG_SCHEMA), 'utf8'));
    expect(schema.properties.summary).toEqual({ type: 'object' });
    expect(JSON.stringify(schema).match(/summary/g)).toHaveLength(1);
  });

  it.each([
    ['a summary that is not an object', JSON.stringify(entry([1, 2]))],
    ['a summary string', JSON.stringify(entry('{}'))],
    ['a summary with an escape', JSON.stringify(entry({ message: 'say "hi"\n' }))],
    ['whitespace in the summary', JSON.stringify(entry({ a: 1 })).replace('{"a":1}', '{ "a" : 1 }')],
    ['an invalid summary', JSON.stringify(entry({ a: 1 })).replace('{"a":1}', '{"a":01}')],
    ['a summary with a trailing comma', JSON.stringify(entry({ a: 1 })).replace('{"a":1}', '{"a":1,}')],
    [
      'a truncated summary',
      JSON.stringify(entry({ a: { b: 1 } })).replace('{"a":{"b":1}}}', '{"a":{"b":1}}'),
    ],
    ['a summary that is not last', JSON.stringify({ ...entry({ a: 1 }), tail: 1 })],
    [
      'a second summary before it',
      JSON.stringify(entry({ a: 1 }, { summary: 'first' })).replace(
        '"summary":"first",',
        '"summary":"first","x":1,',
      ),
    ],
    [
      'a look-alike nested in a field',
      JSON.stringify(entry({ a: 1 }, { diagnostics: { x: ',"summary":{' } })),
    ],
    ['a nested summary member', JSON.stringify(entry({ a: 1 }, { diagnostics: { summary: { a: 1 } } }))],
    [
      'a nested summary at the end',
      JSON.stringify(entry({ a: 1 })).replace(
        /,"summary":\{"a":1\}\}$/,
        ',"diagnostics":{"summary":{"a":1}}}',
      ),
    ],
    [
      'garbage before the summary',
      JSON.stringify(entry({ a: 1 })).replace(',"context"', ',"context":1,,"c"'),
    ],
    ['no object at all', `[${JSON.stringify(entry({ a: 1 }))}]`.replace(/\]$/, '')],
    [
      'an object closed before the summary',
      JSON.stringify(entry({ a: 1 })).replace(',"summary":', '},"summary":'),
    ],
    ['a deeply nested summary', JSON.stringify(entry({ a: [[[[[[[[1]]]]]]]] }))],
    [
      'unicode in the summary',
      JSON.stringify(entry({ range: '09:00 – 12:00', emoji: '\u{1f600}', lone: '\ud800' })),
    ],
    ['a control character in the summary', JSON.stringify(entry({ a: 'x' })).replace('"x"', '"x\u0001"')],
    ['a schema failure elsewhere', JSON.stringify(entry({ a: 1 }, { status: 'maybe', sequence: 0 }))],
    ['no member before the summary', `{,"summary":{"a":"${'x'.repeat(1100)}"}}`],
    ['only whitespace before the summary', `{ ,"summary":{"a":"${'x'.repeat(1100)}"}}`],
    ['a missing context', JSON.stringify(entry({ a: 1 }, { context: undefined }))],
  ])('gives the whole parse’s outcome for %s', (_name, text) => {
    expectSameOutcome(text);
  });

  it('gives the whole parse’s outcome for any summary, cut anywhere', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 8 }),
        fc.nat(),
        fc.boolean(),
        fc.constantFrom('', ' ', ',', '}', '"', '\\', '{', ']'),
        (summary, cutAt, cut, insert) => {
          const text = JSON.stringify(entry(summary));
          const at = cutAt % text.length;
          expectSameOutcome(text);
          if (cut) expectSameOutcome(text.slice(0, at));
          expectSameOutcome(text.slice(0, at) + insert + text.slice(at));
        },
      ),
      { numRuns: 3000 },
    );
  });
});
