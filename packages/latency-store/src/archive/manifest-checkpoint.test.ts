import { appendFile, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { useTempDir } from '../test-support/temp-dir.js';
import { type ArchiveManifest, currentArchives, readArchiveManifest } from './archive-manifest.js';
import {
  CHECKPOINT_EVERY_LINES,
  checkpointPathOf,
  readCheckpointedManifest,
  writeManifestCheckpoint,
} from './manifest-checkpoint.js';

const SHA = (n: number) => n.toString(16).padStart(64, '0');
const archivePath = (name: string) => `ops/signal_latency_archive/2026/07/${name}.csv.gz`;

/** Line `index` of a manifest as a deployment writes it: a day archive appended to every 15 minutes. */
function dayArchiveLine(index: number): string {
  const day = 1 + Math.floor(index / 96);
  const at = new Date(Date.UTC(2026, 6, day, 0, (index % 96) * 15));
  return JSON.stringify({
    job_id: `${at
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '')}-latency`,
    path: archivePath(`2026-07-${String(day).padStart(2, '0')}`),
    sha256: SHA(index + 1),
    row_count: 3 * ((index % 96) + 1),
    first_ts: '2026-06-17T00:00:00.000Z',
    last_ts: at.toISOString(),
    reason: 'retention',
    bytes: 100 * ((index % 96) + 1),
    rotated_at: at.toISOString(),
  });
}

/** An earlier release's per-run archive, then its compaction into a day archive and its deletion. */
const compactionLines = [
  JSON.stringify({
    job_id: '20260630T000000Z-latency',
    path: archivePath('20260630T000000Z-latency'),
    sha256: SHA(9001),
    row_count: 3,
    first_ts: '2026-06-16T00:00:00.000Z',
    last_ts: '2026-06-16T00:10:00.000Z',
    reason: 'retention',
    rotated_at: '2026-06-30T00:00:00.000Z',
  }),
  JSON.stringify({
    job_id: '20260701T001000Z-latency',
    path: archivePath('2026-06-30'),
    sha256: SHA(9002),
    row_count: 3,
    first_ts: '2026-06-16T00:00:00.000Z',
    last_ts: '2026-06-16T00:10:00.000Z',
    reason: 'compaction',
    replaces: [archivePath('20260630T000000Z-latency')],
    rotated_at: '2026-07-01T00:10:00.000Z',
  }),
  JSON.stringify({
    event: 'deleted',
    job_id: '20260701T001000Z-latency',
    path: archivePath('20260630T000000Z-latency'),
    sha256: SHA(9001),
    row_count: 3,
    reason: 'compacted',
    into: archivePath('2026-06-30'),
    deleted_at: '2026-07-01T00:10:00.000Z',
  }),
];

/** What a run uses of a manifest: the current archives, each path's last line, the issues. */
function used(manifest: ArchiveManifest) {
  const lastLines = new Map<string, number>();
  for (const entry of manifest.entries) lastLines.set(entry.path, entry.line);
  return { current: currentArchives(manifest), lastLines, issues: manifest.issues };
}

describe('the archive manifest checkpoint', () => {
  const dir = useTempDir('manifest-checkpoint-');
  let file: { path: string; label: string };
  beforeEach(() => {
    file = { path: join(dir(), 'manifest.jsonl'), label: 'ops/signal_latency_archive/manifest.jsonl' };
  });

  async function manifestOf(lines: readonly string[]): Promise<void> {
    await writeFile(file.path, `${lines.join('\n')}\n`);
  }

  async function checkpointAfter(lines: readonly string[]): Promise<void> {
    await manifestOf(lines);
    expect(await writeManifestCheckpoint(file, await readCheckpointedManifest(file))).toBe(true);
  }

  const DAYS = Array.from({ length: 3 * 96 }, (_, index) => dayArchiveLine(index));
  const WITH_ISSUES = [...compactionLines, ...DAYS.slice(0, 150), '{"torn":', '[]', ...DAYS.slice(150)];

  it('gives what a full read gives, reading only the lines after it', async () => {
    await checkpointAfter(WITH_ISSUES.slice(0, 200));
    await appendFile(file.path, `${WITH_ISSUES.slice(200).join('\n')}\n`);
    const read = await readCheckpointedManifest(file);
    expect(read.linesRead).toBe(WITH_ISSUES.length - 200);
    expect(used(read.manifest)).toEqual(used(await readArchiveManifest(file)));
    expect(read.manifest.issues.map((issue) => issue.line)).toEqual([154, 155]);
    // the checkpoint keeps an archive's last line, not every line of it
    const saved = JSON.parse(await readFile(checkpointPathOf(file.path), 'utf8'));
    expect(saved.manifest_lines).toBe(200);
    expect(saved.entries.length).toBeLessThan(10);
  });

  it('keeps a line that folds archives in, so an archive it folded stays folded', async () => {
    await checkpointAfter([...compactionLines.slice(0, 2), ...DAYS.slice(0, 100)]);
    const read = await readCheckpointedManifest(file);
    expect(read.linesRead).toBe(0);
    const paths = currentArchives(read.manifest).map((entry) => entry.path);
    expect(paths).not.toContain(archivePath('20260630T000000Z-latency'));
    expect(used(read.manifest)).toEqual(used(await readArchiveManifest(file)));
  });

  it.each([
    [
      'the manifest was rewritten with other bytes',
      async (path: string) => {
        const text = await readFile(path, 'utf8');
        await writeFile(path, text.replace('"row_count":3,', '"row_count":4,'));
      },
    ],
    [
      'the manifest was cut short',
      async (path: string) => {
        const text = await readFile(path, 'utf8');
        await writeFile(path, text.slice(0, text.length / 2));
      },
    ],
    ['the checkpoint is not JSON', async (path: string) => writeFile(checkpointPathOf(path), '{"version":')],
    [
      'a checkpoint entry fails the schema',
      async (path: string) => {
        const saved = JSON.parse(await readFile(checkpointPathOf(path), 'utf8'));
        saved.entries[0].path = '/etc/passwd.csv.gz';
        await writeFile(checkpointPathOf(path), JSON.stringify(saved));
      },
    ],
    [
      'a checkpoint line number is past its lines',
      async (path: string) => {
        const saved = JSON.parse(await readFile(checkpointPathOf(path), 'utf8'));
        saved.issues.push({ line: saved.manifest_lines + 1, message: 'x' });
        await writeFile(checkpointPathOf(path), JSON.stringify(saved));
      },
    ],
    [
      'the checkpoint is a link',
      async (path: string) => {
        const text = await readFile(checkpointPathOf(path), 'utf8');
        await writeFile(`${path}.elsewhere`, text);
        await rm(checkpointPathOf(path));
        await symlink(`${path}.elsewhere`, checkpointPathOf(path));
      },
    ],
  ])('reads the whole manifest when %s', async (_, tamper) => {
    await checkpointAfter(WITH_ISSUES.slice(0, 200));
    await tamper(file.path);
    const read = await readCheckpointedManifest(file);
    const full = await readArchiveManifest(file);
    const wholeLines = (await readFile(file.path, 'utf8')).split('\n').length - 1;
    expect(read.linesRead).toBe(wholeLines);
    expect(read.manifest).toEqual(full);
  });

  it(`writes one only after ${CHECKPOINT_EVERY_LINES} new lines, and only at the end of a whole line`, async () => {
    await manifestOf(DAYS.slice(0, CHECKPOINT_EVERY_LINES - 1));
    expect(await writeManifestCheckpoint(file, await readCheckpointedManifest(file))).toBe(false);
    await writeFile(file.path, `${DAYS.slice(0, CHECKPOINT_EVERY_LINES + 5).join('\n')}\n{"job_id":`);
    expect(await writeManifestCheckpoint(file, await readCheckpointedManifest(file))).toBe(false);
    await manifestOf(DAYS.slice(0, CHECKPOINT_EVERY_LINES + 5));
    expect(await writeManifestCheckpoint(file, await readCheckpointedManifest(file))).toBe(true);
    await appendFile(
      file.path,
      `${DAYS.slice(CHECKPOINT_EVERY_LINES + 5, 2 * CHECKPOINT_EVERY_LINES).join('\n')}\n`,
    );
    const read = await readCheckpointedManifest(file);
    expect(read.linesRead).toBe(CHECKPOINT_EVERY_LINES - 5);
    expect(await writeManifestCheckpoint(file, read)).toBe(false);
  });
});
