import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sourceHash } from './source-hash.js';

describe('sourceHash', () => {
  it('is the SHA-256 of the JSON text of the [path, sha256] pairs sorted by path', () => {
    const inputs = [
      { path: 'runs/index.csv', sha256: '2'.repeat(64) },
      { path: 'runs/a/daily.csv', sha256: '1'.repeat(64) },
    ];
    const expected = createHash('sha256')
      .update(`[["runs/a/daily.csv","${'1'.repeat(64)}"],["runs/index.csv","${'2'.repeat(64)}"]]`)
      .digest('hex');
    expect(sourceHash(inputs)).toBe(expected);
    expect(sourceHash([...inputs].reverse())).toBe(expected);
  });

  it('changes when an input changes', () => {
    const before = sourceHash([{ path: 'a', sha256: '1'.repeat(64) }]);
    expect(sourceHash([{ path: 'a', sha256: '3'.repeat(64) }])).not.toBe(before);
    expect(sourceHash([{ path: 'b', sha256: '1'.repeat(64) }])).not.toBe(before);
  });
});
