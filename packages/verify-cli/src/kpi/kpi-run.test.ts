import { describe, expect, it } from 'vitest';
import { readEntry } from './kpi-run.js';

const entry = (status: string, diagnostics: Record<string, unknown>) => ({
  job_name: 'dashboard',
  status,
  started_at: '2026-11-24T12:00:00.000Z',
  duration_ms: 250,
  sequence: 1,
  diagnostics,
});

const warningCodeOf = (status: string, diagnostics: Record<string, unknown> = {}) => {
  const read = readEntry(entry(status, diagnostics));
  return read.kind === 'run' ? read.run.warningCode : 'not a run';
};

describe('readEntry: the code a run warned with', () => {
  it('is the error code of a real warning, or run_warning for warnings noted without one', () => {
    expect(warningCodeOf('warning', { error_code: 'history_bundle_invalid' })).toBe('history_bundle_invalid');
    expect(warningCodeOf('warning', { warnings: ['retention did not finish'] })).toBe('run_warning');
  });

  it('is none for an alert alone, a rehearsal, or any other status', () => {
    expect(warningCodeOf('warning')).toBeNull();
    expect(warningCodeOf('warning', { dry_run: true, error_code: 'no_receiver' })).toBeNull();
    expect(warningCodeOf('error', { error_code: 'upload_failed' })).toBeNull();
    expect(warningCodeOf('skipped', { error_code: 'lock_not_acquired' })).toBeNull();
  });
});
