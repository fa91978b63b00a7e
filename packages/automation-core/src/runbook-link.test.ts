import { describe, expect, it } from 'vitest';
import { runbookLink } from './runbook-link.js';

describe('runbookLink', () => {
  it('links an error code to its own anchor', () => {
    expect(runbookLink('history_bundle_invalid')).toBe('docs/runbook.md#history_bundle_invalid');
  });

  it('links text that is not a code (read back from a crafted file) to the table of codes', () => {
    for (const text of ['\\u001b[31m<img src=x>', 'Missing-Input', '', 'a'.repeat(65)]) {
      expect(runbookLink(text)).toBe('docs/runbook.md#what-to-do-for-each-error-code');
    }
  });
});
