import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { makeFolder } from '@obs-automation/core';

const LF = 0x0a;

/**
 * Appends bytes with one write and fsyncs them, starting on a fresh line when the file's last
 * line is torn, so the first new line is never glued to it. `header` is written first when the
 * file is new or empty. Callers hold the lock that guards the file.
 */
export async function appendBytes(path: string, data: Buffer, header?: string): Promise<void> {
  if (data.length === 0) return;
  await makeFolder(dirname(path), path);
  const handle = await open(path, 'a+');
  try {
    const { size } = await handle.stat();
    let prefix = '';
    if (size === 0 && header !== undefined) {
      prefix = `${header}\n`;
    } else if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== LF) prefix = '\n';
    }
    await handle.write(prefix === '' ? data : Buffer.concat([Buffer.from(prefix, 'utf8'), data]));
    await handle.sync();
  } finally {
    await handle.close();
  }
}
