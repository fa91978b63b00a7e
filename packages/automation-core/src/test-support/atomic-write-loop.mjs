#!/usr/bin/env node
// Replaces one target file with writeFileAtomic over and over, each generation a different size
// and self-describing (every line names the generation, the last line closes it), so that a
// reader can tell a complete file from a torn or mixed one. The crash tests kill it at random.
// usage: atomic-write-loop.mjs <target> [generations]
// The module itself, not the index: a kill must land in a write, not while the harness loads.
import { writeFileAtomic } from '../../dist/atomic-file.js';

const [target, generations = '1000000'] = process.argv.slice(2);
if (!target) {
  process.stderr.write('usage: atomic-write-loop.mjs <target> [generations]\n');
  process.exit(2);
}
for (let generation = 1; generation <= Number(generations); generation += 1) {
  const lines = 20_000 + (generation % 7) * 15_000;
  const line = `generation ${generation} ${'x'.repeat(48)}\n`;
  await writeFileAtomic(target, `${line.repeat(lines)}end ${generation} ${lines}\n`);
  process.stdout.write(`${generation}\n`);
}
