import { describe, expect, it } from 'vitest';
import { verifyInvocationOf } from './verify-argv.js';

describe('verifyInvocationOf', () => {
  it('takes --job-id out of the harness argv, in both spellings', () => {
    expect(verifyInvocationOf(['--job-id', '20251006T120000Z-daily', '--require-job-entry'])).toEqual({
      traceJobId: '20251006T120000Z-daily',
      argv: ['--require-job-entry'],
    });
    expect(verifyInvocationOf(['--job-id=20251006T120000Z-daily'])).toEqual({
      traceJobId: '20251006T120000Z-daily',
      argv: [],
    });
  });

  it('leaves a --job-id without a value for the parser to reject', () => {
    expect(verifyInvocationOf(['--require-job-entry', '--job-id'])).toEqual({
      traceJobId: undefined,
      argv: ['--require-job-entry', '--job-id'],
    });
  });

  it('records the run in the checked log unless --log-file says otherwise', () => {
    expect(verifyInvocationOf(['--check-log', 'backup/runs.log']).argv).toEqual([
      '--log-file',
      'backup/runs.log',
      '--check-log',
      'backup/runs.log',
    ]);
    expect(verifyInvocationOf(['--check-log=a.log', '--log-file', 'b.log']).argv).toEqual([
      '--check-log=a.log',
      '--log-file',
      'b.log',
    ]);
  });
});
