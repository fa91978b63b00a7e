// Loaded with `node --import` into a benchmarked process: records its peak RSS (KiB) and the CPU
// time it used (user + system, ms) at exit, as `<rss> <cpu>`. CPU time moves much less than wall
// time with the load others put on a shared machine.
import { writeFileSync } from 'node:fs';

const target = process.env.BENCH_RSS_FILE;
if (target) {
  process.on('exit', () => {
    const { user, system } = process.cpuUsage();
    writeFileSync(target, `${process.resourceUsage().maxRSS} ${(user + system) / 1000}`);
  });
}
