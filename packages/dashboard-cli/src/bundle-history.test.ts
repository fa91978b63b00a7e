import { describe, expect, it } from 'vitest';
import { historyFoldersToRead } from './bundle-history.js';

const HISTORY = '/ws/ops/dashboard_export_history';
const folder = (name: string) => `${HISTORY}/${name}`;
/** one bundle every 15 minutes over two days, oldest first, as the history folder lists them */
const DAY_OF_RUNS = Array.from({ length: 192 }, (_, index) => {
  const at = new Date(Date.parse('2026-11-12T00:00:00Z') + index * 15 * 60_000);
  return folder(
    `${at
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '')}-dashboard`,
  );
});

describe('historyFoldersToRead', () => {
  it('reads every folder when asked for all', () => {
    expect(historyFoldersToRead(DAY_OF_RUNS, { kind: 'all' })).toEqual(DAY_OF_RUNS);
  });

  it('reads the newest four and those whose name is older than the expiry cutoff, in listing order', () => {
    const cutoff = Date.parse('2026-11-12T01:00:00Z');
    const read = historyFoldersToRead(DAY_OF_RUNS, {
      kind: 'needed',
      expiryCutoffMs: cutoff,
      runDay: '2026-11-13',
    });
    expect(read).toEqual([
      folder('20261112T000000Z-dashboard'),
      folder('20261112T001500Z-dashboard'),
      folder('20261112T003000Z-dashboard'),
      folder('20261112T004500Z-dashboard'),
      folder('20261113T230000Z-dashboard'),
      folder('20261113T231500Z-dashboard'),
      folder('20261113T233000Z-dashboard'),
      folder('20261113T234500Z-dashboard'),
    ]);
  });

  it('always reads a folder whose name holds no time, and orders the newest by name time, not listing order', () => {
    const folders = [
      folder('20261113T100000Z-dashboard'),
      folder('20261113T090000Z-dashboard-rerun'),
      folder('copied-by-hand'),
      folder('20261301T000000Z-dashboard'),
      folder('20261113T080000Z-dashboard'),
      folder('20261113T070000Z-dashboard'),
      folder('20261113T060000Z-dashboard'),
    ];
    const read = historyFoldersToRead(folders, { kind: 'needed', expiryCutoffMs: 0, runDay: '2026-11-13' });
    // all but the fifth newest by name time
    expect(read).toEqual(folders.slice(0, 6));
  });
});
