// The runner's side of rss-probe.mjs: the files a benchmarked process writes its peak RSS and
// CPU time to at exit, the environment that tells it where, and reading them back afterwards.
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROBE = fileURLToPath(new URL('./rss-probe.mjs', import.meta.url));

/** Files for one measured run, cleared first; `read()` gives its CPU ms and peak RSS MB (NaN when not written). */
export function probeRun(tag) {
  const rssFile = join(tmpdir(), `obs-${tag}-rss-${process.pid}`);
  const cpuFile = join(tmpdir(), `obs-${tag}-cpu-${process.pid}`);
  rmSync(rssFile, { force: true });
  rmSync(cpuFile, { force: true });
  const measured = (file) => {
    try {
      return Number(readFileSync(file, 'utf8'));
    } catch {
      return Number.NaN;
    }
  };
  return {
    env: { BENCH_RSS_FILE: rssFile, BENCH_CPU_FILE: cpuFile },
    read: () => ({ cpuMs: measured(cpuFile), rssMb: measured(rssFile) / 1024 }),
  };
}
