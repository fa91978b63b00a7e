import { describe, expect, it } from 'vitest';
import { historyDamage } from './export-diagnostics.js';

describe('historyDamage', () => {
  it('is null when the history could be read and trusted', () => {
    expect(historyDamage([], undefined)).toBeNull();
  });

  it('names the first problem and counts every other, past the 20 the diagnostics list', () => {
    const unreadable = Array.from({ length: 30 }, (_, index) => `ops/h/b${index}: no manifest.json`);
    const message = historyDamage(unreadable, 'ops/h/k/latency.json has SHA-256 …');
    expect(message).toContain('ops/h/b0: no manifest.json (and 30 more)');
  });

  it('reports a kept bundle whose files changed on its own', () => {
    expect(historyDamage([], 'ops/h/k/latency.json has SHA-256 …')).toBe(
      'dashboard history cannot be trusted: ops/h/k/latency.json has SHA-256 …; obs-verify bundle names every problem',
    );
  });
});
