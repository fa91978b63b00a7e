import { describe, expect, it } from 'vitest';
import { STATUS_CONFIG } from './status-options.js';

describe('status.yaml', () => {
  it('means, when absent, what its schema reads from an empty file: no validator is loaded for it', async () => {
    const schema = await STATUS_CONFIG.loadSchema();
    expect(STATUS_CONFIG.whenAbsent).toEqual(schema.parse({}));
  });

  it('is still validated strictly when present', async () => {
    const schema = await STATUS_CONFIG.loadSchema();
    expect(schema.safeParse({ stale_after: ['weekly=6h'] }).success).toBe(true);
    expect(schema.safeParse({ stale_afterr: ['weekly=6h'] }).success).toBe(false);
    expect(schema.safeParse({ stale_after: ['weekly=soon'] }).success).toBe(false);
  });
});
