import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type RecordedBundleDay,
  RUN_SEPARATOR,
  readHistoryRecord,
  recordedRunItem,
  recordedRuns,
  writeHistoryRecord,
} from './history-record.js';

const run = (sequence: number, minutes: number, jobId = `20261124T12${minutes}00Z-dashboard`) => ({
  sequence,
  generated_at: `2026-11-24T12:${minutes}:00.000Z`,
  job_id: jobId,
});

function day(lines: readonly string[]): RecordedBundleDay {
  return {
    day: '20261124',
    folders: lines.length,
    names_sha256: 'a'.repeat(64),
    max_sequence: 2,
    oldest_generated_at: '2026-11-24T12:10:00.000Z',
    newest: { generated_at: '2026-11-24T12:20:00.000Z', sequence: 2 },
    bundles: lines.join(RUN_SEPARATOR),
    verified_at: '2026-11-24T13:00:00.000Z',
  };
}

describe('the dashboard history verification record', () => {
  let folder = '';
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'obs-history-record-'));
  });
  afterEach(() => rm(folder, { recursive: true, force: true }));

  it("gives back each bundle's run, with the job id only where it is not the folder's name", () => {
    const same = recordedRunItem('20261124T121000Z-dashboard', run(1, 10, '20261124T121000Z-dashboard'));
    const other = recordedRunItem('20261124T122000Z-dashboard', run(2, 20, '20261124T122100Z-dashboard'));
    expect(same).toBe('20261124T121000Z-dashboard 1 2026-11-24T12:10:00.000Z');
    expect(other.split(' ')).toHaveLength(4);
    expect(recordedRuns(day([same, other]))).toEqual(
      new Map([
        ['20261124T121000Z-dashboard', run(1, 10, '20261124T121000Z-dashboard')],
        ['20261124T122000Z-dashboard', run(2, 20, '20261124T122100Z-dashboard')],
      ]),
    );
  });

  it.each([
    ['a sequence that is not a positive integer', '20261124T121000Z-dashboard 0 2026-11-24T12:10:00.000Z'],
    ['a time that is not one', '20261124T121000Z-dashboard 1 yesterday'],
    ['a folder that is not a job id', '../etc 1 2026-11-24T12:10:00.000Z'],
    ['a job id that is not one', '20261124T121000Z-dashboard 1 2026-11-24T12:10:00.000Z x'],
    ['a field too many', '20261124T121000Z-dashboard 1 2026-11-24T12:10:00.000Z 20261124T121000Z-a b'],
    ['an empty line', ''],
  ])('reads no bundle of a day with %s (they are read from their manifests)', (_, line) => {
    expect(recordedRuns(day([line]))).toBeNull();
  });

  it('is read back as written; a missing record is no problem, a malformed one says why', async () => {
    const path = join(folder, 'record.json');
    expect(await readHistoryRecord(path, 'record.json')).toMatchObject({ problem: null });
    const written = day([
      recordedRunItem('20261124T121000Z-dashboard', run(1, 10, '20261124T121000Z-dashboard')),
    ]);
    const fullReadAt = '2026-11-24T02:30:00.000Z';
    await writeHistoryRecord(path, { bundleDays: [written], referenceFiles: [], fullReadAt }, new Date());
    const read = await readHistoryRecord(path, 'record.json');
    expect(read.problem).toBeNull();
    expect(read.fullReadAt).toBe(fullReadAt);
    expect(read.bundleDays.get('20261124')).toEqual(written);

    await writeFile(
      path,
      JSON.stringify({ bundle_days: [{ ...written, max_sequence: -1 }], reference_files: [] }),
    );
    expect((await readHistoryRecord(path, 'record.json')).problem).toBe('record.json has a malformed entry');
    await writeFile(path, '[]');
    expect((await readHistoryRecord(path, 'record.json')).problem).toContain('no bundle_days');
    await writeFile(path, '{');
    const broken = await readHistoryRecord(path, 'record.json');
    expect(broken.problem).toContain('record.json');
    expect(broken.bundleDays.size).toBe(0);
  });
});
