import { describe, expect, it } from 'vitest';
import { stateExportTimestamp } from './state-export-timestamp.js';

describe('stateExportTimestamp', () => {
  it('reads the UTC stamp of a plain YYYYMMDD_HHMMSS.json name', () => {
    expect(stateExportTimestamp('20250924_121343.json', {})?.toISOString()).toBe('2025-09-24T12:13:43.000Z');
  });

  it('reads the leading stamp of the long form and ignores the local stamp at the end', () => {
    const name = '20250923_125717_USDJPY_conservative_20250923_215717.json';
    expect(stateExportTimestamp(name, {})?.toISOString()).toBe('2025-09-23T12:57:17.000Z');
  });

  it('prefers the file name over meta.last_timestamp', () => {
    const document = { meta: { last_timestamp: '2025-09-30T12:00:00' } };
    expect(stateExportTimestamp('20251004_104302.json', document)?.toISOString()).toBe(
      '2025-10-04T10:43:02.000Z',
    );
  });

  it('falls back to meta.last_timestamp, reading a zone-less time as UTC', () => {
    const document = { meta: { last_timestamp: '2025-09-30T12:00:00' } };
    expect(stateExportTimestamp('state.json', document)?.toISOString()).toBe('2025-09-30T12:00:00.000Z');
    const withOffset = { meta: { last_timestamp: '2025-09-30T21:00:00+09:00' } };
    expect(stateExportTimestamp('state.json', withOffset)?.toISOString()).toBe('2025-09-30T12:00:00.000Z');
  });

  it('falls back to meta.last_timestamp when the name holds an impossible time', () => {
    const document = { meta: { last_timestamp: '2025-09-30T12:00:00Z' } };
    expect(stateExportTimestamp('20251340_250000.json', document)?.toISOString()).toBe(
      '2025-09-30T12:00:00.000Z',
    );
  });

  it('is null without either', () => {
    expect(stateExportTimestamp('override.json', {})).toBeNull();
    expect(stateExportTimestamp('override.json', { meta: { last_timestamp: 'yesterday' } })).toBeNull();
    expect(stateExportTimestamp('override.json', { meta: 'x' })).toBeNull();
  });
});
