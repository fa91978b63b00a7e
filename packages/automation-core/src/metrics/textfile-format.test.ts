import { describe, expect, it } from 'vitest';
import { METRIC_FAMILIES, METRIC_FAMILY_LIST } from './metric-families.js';
import { parseTextfile, renderTextfile, seriesKey } from './textfile-format.js';

describe('renderTextfile', () => {
  it('writes each family once with HELP and TYPE, in catalogue order, series sorted by labels', () => {
    const text = renderTextfile(METRIC_FAMILY_LIST, [
      { family: METRIC_FAMILIES.lastStatus, labels: { job: 'latency', status: 'ok' }, value: 1 },
      { family: METRIC_FAMILIES.lastRun, labels: { job: 'latency' }, value: 1759752000 },
      { family: METRIC_FAMILIES.lastStatus, labels: { status: 'error', job: 'latency' }, value: 0 },
    ]);
    expect(text).toBe(
      [
        `# HELP obs_job_last_run_timestamp_seconds ${METRIC_FAMILIES.lastRun.help}`,
        '# TYPE obs_job_last_run_timestamp_seconds gauge',
        'obs_job_last_run_timestamp_seconds{job="latency"} 1759752000',
        `# HELP obs_job_last_status ${METRIC_FAMILIES.lastStatus.help}`,
        '# TYPE obs_job_last_status gauge',
        'obs_job_last_status{job="latency",status="error"} 0',
        'obs_job_last_status{job="latency",status="ok"} 1',
        '',
      ].join('\n'),
    );
  });

  it('escapes label values and writes special values as Prometheus reads them', () => {
    const text = renderTextfile(METRIC_FAMILY_LIST, [
      { family: METRIC_FAMILIES.duration, labels: { job: 'a"b\\c\nd' }, value: Number.POSITIVE_INFINITY },
      { family: METRIC_FAMILIES.attempts, labels: { job: 'x' }, value: Number.NaN },
      { family: METRIC_FAMILIES.latencyP95, labels: { job: 'x' }, value: 1e-7 },
    ]);
    expect(text).toContain('obs_job_duration_seconds{job="a\\"b\\\\c\\nd"} +Inf\n');
    expect(text).toContain('obs_job_attempts{job="x"} NaN\n');
    expect(text).toContain('obs_latency_p95_seconds{job="x"} 1e-7\n');
  });

  it('refuses a label name Prometheus would reject', () => {
    expect(() =>
      renderTextfile(METRIC_FAMILY_LIST, [
        { family: METRIC_FAMILIES.lastRun, labels: { 'bad-name': 'x' }, value: 1 },
      ]),
    ).toThrow(/invalid label name/);
  });

  it('writes nothing for no series', () => {
    expect(renderTextfile(METRIC_FAMILY_LIST, [])).toBe('');
  });
});

describe('parseTextfile', () => {
  it('reads back what renderTextfile wrote, escapes included', () => {
    const series = [
      { family: METRIC_FAMILIES.lastStatus, labels: { job: 'we"ird\\job\n', status: 'ok' }, value: 1 },
      { family: METRIC_FAMILIES.latencyP95, labels: { job: 'latency' }, value: 9.237875 },
      { family: METRIC_FAMILIES.attempts, labels: { job: 'latency' }, value: Number.NEGATIVE_INFINITY },
    ];
    const read = parseTextfile(renderTextfile(METRIC_FAMILY_LIST, series));
    expect(read).toEqual(
      expect.arrayContaining(
        series.map((item) => ({ name: item.family.name, labels: item.labels, value: item.value })),
      ),
    );
    expect(read).toHaveLength(3);
  });

  it('passes over broken lines and keeps the good ones', () => {
    const read = parseTextfile(
      [
        '# HELP obs_job_attempts whatever',
        'obs_job_attempts{job="latency"} 3',
        'obs_job_attempts{job="latency" 4',
        'obs_job_attempts{job="latency"} four',
        'obs_job_runs_total{job="latency",status="ok"} 12 1759752000000',
        '\u0000garbage',
        'obs_job_attempts{job=latency} 5',
        '',
        'obs_job_duration_seconds 0.5',
        'obs_job_last_status{job="latency",} 1',
      ].join('\n'),
    );
    expect(read).toEqual([
      { name: 'obs_job_attempts', labels: { job: 'latency' }, value: 3 },
      { name: 'obs_job_runs_total', labels: { job: 'latency', status: 'ok' }, value: 12 },
      { name: 'obs_job_duration_seconds', labels: {}, value: 0.5 },
      { name: 'obs_job_last_status', labels: { job: 'latency' }, value: 1 },
    ]);
  });
});

describe('seriesKey', () => {
  it('does not depend on label order', () => {
    expect(seriesKey('m', { b: '2', a: '1' })).toBe(seriesKey('m', { a: '1', b: '2' }));
  });
});

describe('METRIC_FAMILIES', () => {
  it('follows the naming conventions: obs_ prefix, _total exactly for counters, base units', () => {
    const names = METRIC_FAMILY_LIST.map((family) => family.name);
    expect(new Set(names).size).toBe(names.length);
    for (const family of METRIC_FAMILY_LIST) {
      expect(family.name).toMatch(/^obs_[a-z0-9_]+$/);
      expect(family.name.endsWith('_total')).toBe(family.type === 'counter');
      expect(family.name).not.toMatch(/_(ms|milliseconds|percent|minutes|hours)(_|$)/);
      expect(family.help).not.toContain('\n');
    }
  });
});
