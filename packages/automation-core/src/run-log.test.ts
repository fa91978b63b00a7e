import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobError } from './job-error.js';
import { MAX_LOG_LINE_BYTES } from './log-line-limit.js';
import { appendRunLog, type UnsequencedEntry } from './run-log.js';
import type { RunLogEntry } from './run-log-entry.js';
import { bundledSchemaPath, schemaValidator } from './schema-validator.js';

const REFERENCE_SEQUENCE = fileURLToPath(
  new URL('../../../../shared/data/reference-workspace/ops/automation_runs.sequence', import.meta.url),
);
const NOW = new Date('2026-02-03T04:05:06.000Z');

let root: string;
let logFile: string;
let sequenceFile: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'core-runlog-'));
  logFile = join(root, 'ops/automation_runs.log');
  sequenceFile = join(root, 'ops/automation_runs.sequence');
  await mkdir(join(root, 'ops'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function entry(name = 'latency', overrides: Partial<UnsequencedEntry> = {}): UnsequencedEntry {
  return {
    job_id: `20260203T040506Z-${name}`,
    job_name: name,
    status: 'ok',
    started_at: NOW.toISOString(),
    duration_ms: 5,
    attempts: 1,
    artefacts: ['out/a.json'],
    alerts: [],
    diagnostics: {},
    context: { commit_sha: 'abc123', environment: 'production', scheduler: 'cron' },
    ...overrides,
  };
}

const append = (name = 'latency', overrides: Partial<UnsequencedEntry> = {}) =>
  appendRunLog(entry(name, overrides), { logFile, sequenceFile, now: () => NOW, root });

async function logLines(): Promise<RunLogEntry[]> {
  const text = await readFile(logFile, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  const validate = await schemaValidator(bundledSchemaPath('automation_run.schema.json'));
  return text
    .trimEnd()
    .split('\n')
    .map((line) => {
      const parsed = JSON.parse(line) as RunLogEntry;
      expect(validate(parsed)).toEqual([]);
      return parsed;
    });
}

async function sequenceValue(): Promise<unknown> {
  return JSON.parse(await readFile(sequenceFile, 'utf8'));
}

const sequenced = (lines: RunLogEntry[]) => lines.flatMap((line) => (line.sequence ? [line.sequence] : []));

describe('appendRunLog', () => {
  it('starts at 1 and writes the sequence file in the earlier tooling’s format', async () => {
    expect(await append()).toEqual({ sequence: 1, truncated: false, sequenceGap: null });
    expect(await append('weekly')).toMatchObject({ sequence: 2 });
    const lines = await logLines();
    expect(lines.map((line) => [line.job_name, line.sequence, line.logged_at])).toEqual([
      ['latency', 1, NOW.toISOString()],
      ['weekly', 2, NOW.toISOString()],
    ]);
    expect(await sequenceValue()).toEqual({ value: 2, updated_at: NOW.toISOString() });
  });

  it('continues from the log when the sequence file is missing, without a warning', async () => {
    await append();
    await append();
    await rm(sequenceFile);
    expect(await append()).toEqual({ sequence: 3, truncated: false, sequenceGap: null });
    expect(sequenced(await logLines())).toEqual([1, 2, 3]);
  });

  it('a log ahead of the file (crash between the two writes) gives one sequence_gap warning and no duplicate', async () => {
    await append('latency');
    await append('weekly');
    await writeFile(sequenceFile, JSON.stringify({ value: 1, updated_at: NOW.toISOString() }));

    const result = await append('dashboard');
    expect(result.sequence).toBe(3);
    expect(result.sequenceGap).toMatchObject({ error_code: 'sequence_gap', expected: 1, observed: 2 });
    await append('verify');

    const lines = await logLines();
    const warnings = lines.filter((line) => line.diagnostics.error_code === 'sequence_gap');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      status: 'warning',
      artefacts: ['ops/automation_runs.sequence'],
      diagnostics: {
        expected: 1,
        observed: 2,
        gap_size: 1,
        direction: 'log_ahead_of_file',
        previous_job_id: '20260203T040506Z-weekly',
      },
    });
    expect(warnings[0]?.sequence).toBeUndefined();
    expect(sequenced(lines)).toEqual([1, 2, 3, 4]);
    expect(await sequenceValue()).toMatchObject({ value: 4 });
  });

  it('a file ahead of the log (a restored log) continues after the file, so no number is issued twice', async () => {
    await append();
    await writeFile(sequenceFile, JSON.stringify({ value: 40, updated_at: NOW.toISOString() }));
    const result = await append();
    expect(result.sequence).toBe(41);
    expect(result.sequenceGap).toMatchObject({
      expected: 40,
      observed: 1,
      gap_size: 39,
      direction: 'log_behind_file',
    });
    await append();
    expect(sequenced(await logLines())).toEqual([1, 41, 42]);
  });

  it('a corrupt sequence file is a gap warning and numbering continues from the log', async () => {
    await append();
    await writeFile(sequenceFile, '{"value": "twelve"');
    const result = await append();
    expect(result.sequence).toBe(2);
    expect(result.sequenceGap).toMatchObject({ direction: 'file_corrupt', expected: null, observed: 1 });
    expect(await sequenceValue()).toMatchObject({ value: 2 });
  });

  it.skipIf(!existsSync(REFERENCE_SEQUENCE))(
    'continues the earlier tooling’s sequence file at 52',
    async () => {
      await copyFile(REFERENCE_SEQUENCE, sequenceFile);
      expect(await sequenceValue()).toMatchObject({ value: 51 });
      const result = await append();
      expect(result.sequence).toBe(52);
      const lines = await logLines();
      expect(sequenced(lines)).toEqual([52]);
      // The log holds none of the 51 earlier entries: that is said once, in the log itself.
      expect(lines.filter((line) => line.diagnostics.error_code === 'sequence_gap')).toMatchObject([
        { status: 'warning', diagnostics: { expected: 51, observed: 0, direction: 'log_behind_file' } },
      ]);
      expect(await sequenceValue()).toEqual({ value: 52, updated_at: NOW.toISOString() });
      expect((await append()).sequence).toBe(53);
    },
  );

  it('refuses to go past Number.MAX_SAFE_INTEGER: sequence_exhausted, nothing logged', async () => {
    await append();
    const before = await readFile(logFile, 'utf8');
    for (const value of ['9007199254740991', '9007199254740993', '1e300']) {
      await writeFile(sequenceFile, `{"value": ${value}, "updated_at": "2026-01-01T00:00:00Z"}`);
      const error = await append().catch((caught: unknown) => caught);
      expect(error, value).toMatchObject({ code: 'sequence_exhausted' });
      expect((error as JobError).message).toContain('rebuild-log');
    }
    expect(await readFile(logFile, 'utf8')).toBe(before);
  });

  it('refuses to number on from a log line holding a sequence past the safe range', async () => {
    await writeFile(logFile, `${JSON.stringify({ job_id: '20260101T000000Z-x', sequence: 2 ** 53 + 2 })}\n`);
    await expect(append()).rejects.toMatchObject({ code: 'sequence_exhausted' });
  });

  it('refuses a run log that is a symbolic link: log_write_failed saying so, its target untouched', async () => {
    const elsewhere = join(root, 'elsewhere.txt');
    await writeFile(elsewhere, 'untouched\n');
    await symlink(elsewhere, logFile);
    const error = await append().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'log_write_failed' });
    expect((error as JobError).message).toContain(`run log ${logFile} is a symbolic link`);
    expect(await readFile(elsewhere, 'utf8')).toBe('untouched\n');
    expect(existsSync(sequenceFile)).toBe(false);
  });

  it('appends after a torn last line without merging into it', async () => {
    await append();
    await writeFile(logFile, `${await readFile(logFile, 'utf8')}{"job_id":"2026`, { flag: 'w' });
    expect((await append()).sequence).toBe(2);
    const text = await readFile(logFile, 'utf8');
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe('{"job_id":"2026');
    expect(JSON.parse(lines[2] as string)).toMatchObject({ sequence: 2 });
  });

  it('writes a huge entry truncated under the line limit instead of refusing it', async () => {
    const result = await append('dashboard', {
      artefacts: Array.from({ length: 400 }, (_, index) => `out/dashboard/${index}.json`),
    });
    expect(result).toMatchObject({ sequence: 1, truncated: true });
    const text = await readFile(logFile, 'utf8');
    expect(Buffer.byteLength(text)).toBeLessThan(MAX_LOG_LINE_BYTES);
    expect((await logLines())[0]?.diagnostics).toMatchObject({ truncated: true });
  });

  it('refuses an entry the schema rejects, writing nothing', async () => {
    await expect(append('latency', { job_id: 'not-a-job-id' })).rejects.toMatchObject({
      code: 'log_write_failed',
      message: expect.stringContaining('automation_run.schema.json'),
    });
    expect(existsSync(logFile)).toBe(false);
    expect(existsSync(sequenceFile)).toBe(false);
  });

  it('a log that cannot be written is log_write_failed naming the file', async () => {
    const blocked = join(root, 'regular-file');
    await writeFile(blocked, 'not a folder');
    const error = await appendRunLog(entry(), {
      logFile: join(blocked, 'automation_runs.log'),
      sequenceFile,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(JobError);
    expect(error).toMatchObject({
      code: 'log_write_failed',
      details: { log_file: join(blocked, 'automation_runs.log') },
    });
    expect((error as JobError).message).toContain(join(blocked, 'automation_runs.log'));
  });
});
