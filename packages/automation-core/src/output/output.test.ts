import { describe, expect, it } from 'vitest';
import { renderHumanSummary } from './human-summary.js';
import { chooseOutput } from './output-mode.js';
import { resultText } from './presentation.js';
import { problemLine, problemsOf } from './problem-lines.js';
import { textStyle, visibleLength, wrapToWidth } from './terminal-text.js';

const OFF = { json: false, pretty: false, noColor: false };

describe('chooseOutput', () => {
  it('is human on a terminal, JSON elsewhere or with --json/--pretty; colour only for people', () => {
    expect(chooseOutput(OFF, true, {})).toEqual({ form: 'human', pretty: false, color: true });
    expect(chooseOutput(OFF, false, {})).toEqual({ form: 'json', pretty: false, color: false });
    expect(chooseOutput({ ...OFF, json: true }, true, {}).form).toBe('json');
    expect(chooseOutput({ ...OFF, pretty: true }, true, {})).toMatchObject({ form: 'json', pretty: true });
    expect(chooseOutput(OFF, true, { NO_COLOR: '1' }).color).toBe(false);
    expect(chooseOutput(OFF, true, { NO_COLOR: '' }).color).toBe(true);
    expect(chooseOutput({ ...OFF, noColor: true }, true, {}).color).toBe(false);
  });
});

describe('resultText', () => {
  const summary = { status: 'ok', job_id: 'j', duration_ms: 3, artefacts: ['a'], diagnostics: {} };
  it('prints the JSON document on one line through a pipe, indented with --pretty or for a document', () => {
    expect(resultText(summary, { output: OFF }, { isTTY: false }, {})).toBe(`${JSON.stringify(summary)}\n`);
    expect(resultText(summary, { output: { ...OFF, pretty: true } }, { isTTY: true }, {})).toBe(
      `${JSON.stringify(summary, null, 2)}\n`,
    );
    expect(resultText(summary, { output: OFF, document: true }, { isTTY: false }, {})).toContain(
      '\n  "status"',
    );
  });
});

describe('problemsOf', () => {
  it('lists the superseded error first, then the code; a warning without a code is explained by its alerts', () => {
    expect(
      problemsOf({
        status: 'error',
        diagnostics: {
          error_code: 'log_write_failed',
          error_message: 'cannot write\nthe log',
          superseded_error_code: 'missing_input',
          superseded_error_message: 'runs/index.csv is missing',
        },
      }),
    ).toEqual([
      { code: 'missing_input', message: 'runs/index.csv is missing' },
      { code: 'log_write_failed', message: 'cannot write the log' },
    ]);
    const alerts = [{ id: 'latency_breach', severity: 'critical', message: 'p95 over' }];
    expect(problemsOf({ status: 'warning', alerts, diagnostics: {} })).toEqual([
      { code: 'latency_breach', message: 'critical: p95 over' },
    ]);
    expect(problemsOf({ status: 'ok', alerts, diagnostics: {} })).toEqual([]);
    expect(problemsOf({ status: 'warning', diagnostics: { warnings: ['an archive changed'] } })).toEqual([
      { code: 'run_warning', message: 'an archive changed' },
    ]);
  });

  it('writes the operator-loop line', () => {
    expect(problemLine('obs-weekly', { code: 'missing_secret', message: 'OBS_X is not set' })).toBe(
      'obs-weekly: missing_secret: OBS_X is not set (docs/runbook.md#missing_secret)',
    );
  });
});

describe('the human summary', () => {
  it('says what ran, found, went wrong, wrote and what to do, within the width', () => {
    const text = renderHumanSummary({
      binary: 'obs-weekly',
      summary: {
        status: 'error',
        job_id: '20260101T000000Z-weekly',
        duration_ms: 12,
        artefacts: [],
        diagnostics: {
          error_code: 'missing_secret',
          error_message: `OBS_WEEKLY_WEBHOOK_URL is not set ${'x'.repeat(200)}`,
        },
      },
      describe: () => ['week of 2025-12-29: 7 runs included'],
      style: textStyle(false),
      width: 80,
    });
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('obs-weekly  error  20260101T000000Z-weekly  12 ms');
    expect(lines).toContain('  found    week of 2025-12-29: 7 runs included');
    expect(lines).toContain('  wrote    nothing');
    expect(lines).toContain('  next     missing_secret: docs/runbook.md#missing_secret');
    expect(Math.max(...lines.map(visibleLength))).toBeLessThanOrEqual(80);
  });
});

describe('the human summary of a run that ran others inside it', () => {
  it('lists their problems’ runbook rows as its next steps, each code once', () => {
    const child = (code: string) => ({ status: 'warning', diagnostics: { error_code: code } });
    const text = renderHumanSummary({
      binary: 'obs-daily',
      summary: {
        status: 'warning',
        artefacts: [],
        jobs: [child('no_receiver'), child('history_bundle_invalid'), child('no_receiver')],
      },
      inner: (summary) => summary.jobs as Record<string, unknown>[],
      style: textStyle(false),
      width: 100,
    });
    expect(text).toContain(
      [
        '  next     no_receiver: docs/runbook.md#no_receiver',
        '           history_bundle_invalid: docs/runbook.md#history_bundle_invalid',
        '  details',
      ].join('\n'),
    );
    expect(text).not.toContain('nothing to do');
  });
});

describe('wrapToWidth', () => {
  it('wraps on words, cuts what is left over in its last line', () => {
    expect(wrapToWidth('one two three four', 9, 3)).toEqual(['one two', 'three', 'four']);
    expect(wrapToWidth('one two three four five six', 9, 2)).toEqual(['one two', 'three fo…']);
  });
});
