import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostTag, parseTempFileName, sweepAbandonedTempFiles, tempPathFor } from './temp-files.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'core-temp-files-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A pid that is certainly not running: a child that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid as number;
}

describe('temporary file names', () => {
  it('sit beside the target and carry the host and pid', () => {
    const path = tempPathFor('/ws/ops/x.json');
    expect(path.startsWith(`/ws/ops/.x.json.tmp-${hostTag()}-${process.pid}-`)).toBe(true);
    expect(parseTempFileName(path.slice('/ws/ops/'.length))).toEqual({
      target: 'x.json',
      host: hostTag(),
      pid: process.pid,
    });
  });

  it('keep the host to safe characters, and earlier names without a host still parse', () => {
    expect(hostTag('web-01.prod')).toBe('web-01.prod');
    expect(hostTag('we b/01')).toBe('we_b_01');
    expect(hostTag('h'.repeat(100))).toHaveLength(40);
    expect(parseTempFileName('.a.tmp-b.csv.tmp-1234-0123abcd')).toEqual({
      target: 'a.tmp-b.csv',
      host: null,
      pid: 1234,
    });
    expect(parseTempFileName('.x.json.tmp-node-7-12-0123abcd')).toEqual({
      target: 'x.json',
      host: 'node-7',
      pid: 12,
    });
    expect(parseTempFileName('x.json')).toBeNull();
  });
});

describe('sweepAbandonedTempFiles', () => {
  it("removes this host's files whose writer is gone, and keeps live writers' and other hosts' recent files", async () => {
    const dead = deadPid();
    const names = {
      ownDead: `.a.json.tmp-${hostTag()}-${dead}-00000001`,
      ownLive: `.a.json.tmp-${hostTag()}-${process.ppid}-00000002`,
      foreign: `.a.json.tmp-other-host-${dead}-00000003`,
      legacy: `.a.json.tmp-${dead}-00000004`,
      unrelated: 'a.json',
    };
    for (const name of Object.values(names)) await writeFile(join(dir, name), 'partial');
    expect(await sweepAbandonedTempFiles(dir)).toEqual([names.ownDead]);
    expect((await readdir(dir)).sort()).toEqual(
      [names.foreign, names.legacy, names.ownLive, names.unrelated].sort(),
    );
  });

  it("removes any host's file not written to for an hour", async () => {
    const foreign = '.a.json.tmp-other-host-1-00000003';
    const legacy = '.a.json.tmp-1-00000004';
    for (const name of [foreign, legacy]) {
      await writeFile(join(dir, name), 'partial');
      const old = new Date(Date.now() - 61 * 60 * 1000);
      await utimes(join(dir, name), old, old);
    }
    expect((await sweepAbandonedTempFiles(dir)).sort()).toEqual([foreign, legacy].sort());
  });

  it('can be limited to one target', async () => {
    const dead = deadPid();
    await writeFile(join(dir, `.a.json.tmp-${hostTag()}-${dead}-00000001`), 'x');
    await writeFile(join(dir, `.b.json.tmp-${hostTag()}-${dead}-00000002`), 'x');
    expect(await sweepAbandonedTempFiles(dir, { target: 'b.json' })).toEqual([
      `.b.json.tmp-${hostTag()}-${dead}-00000002`,
    ]);
  });
});
