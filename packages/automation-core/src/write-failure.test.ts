import { describe, expect, it } from 'vitest';
import { JobError } from './job-error.js';
import { writeFailure } from './write-failure.js';

const TARGET = '/ws/out/dashboard/latency.json';
const failure = (code: string) =>
  Object.assign(new Error(`${code}: open '/ws/out/dashboard/.latency.json.tmp-h-1-0123abcd'`), { code });

describe('writeFailure', () => {
  it.each(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST', 'EISDIR'])(
    '%s → output_not_writable naming the folder',
    (code) => {
      const mapped = writeFailure(failure(code), TARGET) as JobError;
      expect(mapped).toBeInstanceOf(JobError);
      expect(mapped.code).toBe('output_not_writable');
      expect(mapped.message).toContain(TARGET);
      expect(mapped.message).not.toContain('.tmp-');
      expect(mapped.details).toEqual({ folder: '/ws/out/dashboard', file: TARGET, errno: code });
    },
  );

  it.each(['ENOSPC', 'EDQUOT', 'EFBIG'])('%s → disk_full naming the folder', (code) => {
    const mapped = writeFailure(failure(code), TARGET) as JobError;
    expect(mapped.code).toBe('disk_full');
    expect(mapped.message).toContain('folder /ws/out/dashboard');
  });

  it('passes other errors and JobErrors through unchanged', () => {
    const other = failure('EIO');
    expect(writeFailure(other, TARGET)).toBe(other);
    const known = new JobError('output_not_writable', 'x');
    expect(writeFailure(known, TARGET)).toBe(known);
    expect(writeFailure('text', TARGET)).toBe('text');
  });
});
