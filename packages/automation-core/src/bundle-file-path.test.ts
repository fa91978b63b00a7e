import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveBundleFile } from './bundle-file-path.js';

let dir: string;
let bundle: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bundle-file-'));
  bundle = join(dir, 'bundle');
  await mkdir(bundle);
  await writeFile(join(bundle, 'latency.json'), '{"rows":[]}\n');
  await writeFile(join(dir, 'outside.json'), '{}\n');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const options = { code: 'path_not_allowed', what: 'dataset path', source: 'manifest.json' };

describe('resolveBundleFile', () => {
  it('resolves a path relative to the bundle folder', async () => {
    expect(await resolveBundleFile(bundle, 'latency.json', options)).toMatchObject({
      relative: 'latency.json',
      exists: true,
    });
  });

  it('refuses a path leading out of the folder, lexically or through a link', async () => {
    await expect(resolveBundleFile(bundle, '../outside.json', options)).rejects.toMatchObject({
      code: 'path_not_allowed',
      details: { reason: 'outside_root', path: '"../outside.json"' },
    });
    await symlink(join(dir, 'outside.json'), join(bundle, 'linked.json'));
    await expect(resolveBundleFile(bundle, 'linked.json', options)).rejects.toMatchObject({
      details: { reason: 'outside_root' },
    });
  });

  it('reads an earlier tooling absolute path as the file of its name beside the manifest, never where it points', async () => {
    expect(await resolveBundleFile(bundle, '/srv/old/out/dashboard/latency.json', options)).toMatchObject({
      absolute: join(bundle, 'latency.json'),
    });
    await expect(resolveBundleFile(bundle, join(dir, 'outside.json'), options)).rejects.toMatchObject({
      details: { reason: 'outside_root' },
    });
  });
});
