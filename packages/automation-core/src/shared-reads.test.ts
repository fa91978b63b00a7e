import { appendFile, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openInputStream, readBoundedFile, readBoundedText } from './bounded-file-read.js';
import { JobError } from './job-error.js';
import { sharedParse, withSharedReads } from './shared-reads.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'core-shared-reads-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const readConfig = (path: string) => readBoundedText(path, { kind: 'config' });
const streamCsv = async (path: string) => {
  const stream = await openInputStream(path, { kind: 'csv_input' });
  return stream ? text(stream) : null;
};

describe('withSharedReads', () => {
  it('hands the same bytes to a second reader, by whole read or by stream', async () => {
    const path = join(dir, 'index.csv');
    await writeFile(path, 'run_id,timestamp\nr1,20251006_120000\n');
    await withSharedReads(async () => {
      expect(await streamCsv(path)).toBe('run_id,timestamp\nr1,20251006_120000\n');
      expect(await streamCsv(path)).toBe('run_id,timestamp\nr1,20251006_120000\n');
      expect(await readBoundedText(path, { kind: 'csv_input', maxBytes: 1024 })).toBe(
        'run_id,timestamp\nr1,20251006_120000\n',
      );
    });
  });

  it('reads a file again once it was replaced (as every atomic write does) or appended to', async () => {
    const path = join(dir, 'weekly_payload.yaml');
    await writeFile(path, 'a: 1\n');
    await withSharedReads(async () => {
      expect(await readConfig(path)).toBe('a: 1\n');
      await writeFile(join(dir, 'next.yaml'), 'a: 2\n');
      await rename(join(dir, 'next.yaml'), path);
      expect(await readConfig(path)).toBe('a: 2\n');
      await appendFile(path, 'b: 3\n');
      expect(await readConfig(path)).toBe('a: 2\nb: 3\n');
    });
  });

  it('still refuses a link put where a file the jobs write was read, and a missing file is null', async () => {
    const path = join(dir, 'latency_job_heartbeat.json');
    await writeFile(path, '{"status":"ok"}');
    await writeFile(join(dir, 'elsewhere.json'), '{"status":"ok"}');
    await withSharedReads(async () => {
      expect(await readBoundedText(path, { kind: 'heartbeat' })).toBe('{"status":"ok"}');
      await rm(path);
      expect(await readBoundedText(path, { kind: 'heartbeat' })).toBeNull();
      await symlink(join(dir, 'elsewhere.json'), path);
      await expect(readBoundedText(path, { kind: 'heartbeat' })).rejects.toBeInstanceOf(JobError);
    });
  });

  it('applies a reader’s tighter cap to the bytes another reader kept', async () => {
    const path = join(dir, 'automation.yaml');
    await writeFile(path, 'x'.repeat(100));
    await withSharedReads(async () => {
      expect(await readConfig(path)).toHaveLength(100);
      await expect(readBoundedText(path, { kind: 'config', maxBytes: 10 })).rejects.toThrow(
        /over the 10-byte cap/,
      );
    });
  });

  it('gives each reader its own copy', async () => {
    const path = join(dir, 'daily.csv');
    await writeFile(path, 'date,fills,pnl_pips\n');
    await withSharedReads(async () => {
      const first = await readBoundedFile(path, { kind: 'config' });
      first?.fill(0);
      expect(await readConfig(path)).toBe('date,fills,pnl_pips\n');
    });
  });
});

describe('sharedParse', () => {
  it('parses each content once in a chain and hands every caller its own copy', async () => {
    let parses = 0;
    const parse = async () => {
      parses += 1;
      return { window: { days: 7 } };
    };
    await withSharedReads(async () => {
      const first = await sharedParse('a: 1', parse);
      first.window.days = 0;
      expect(await sharedParse('a: 1', parse)).toEqual({ window: { days: 7 } });
      await sharedParse('a: 2', parse);
    });
    expect(parses).toBe(2);
    await sharedParse('a: 1', parse);
    await sharedParse('a: 1', parse);
    expect(parses).toBe(4);
  });

  it('keeps no failed parse', async () => {
    let parses = 0;
    const failing = async () => {
      parses += 1;
      throw new Error('invalid YAML');
    };
    await withSharedReads(async () => {
      await expect(sharedParse('bad', failing)).rejects.toThrow('invalid YAML');
      await expect(sharedParse('bad', failing)).rejects.toThrow('invalid YAML');
    });
    expect(parses).toBe(2);
  });
});
