// Loaded with `node --import` into a benchmarked process: records its peak RSS (KiB) at exit in
// BENCH_RSS_FILE and, when BENCH_CPU_FILE is set, the CPU time it used (user + system, ms) there:
// CPU time moves much less than wall time with the load others put on a shared machine.
import { writeFileSync } from 'node:fs';

const target = process.env.BENCH_RSS_FILE;
const cpuTarget = process.env.BENCH_CPU_FILE;
if (target) {
  process.on('exit', () => {
    writeFileSync(target, String(process.resourceUsage().maxRSS));
    if (cpuTarget) {
      const { user, system } = process.cpuUsage();
      writeFileSync(cpuTarget, String((user + system) / 1000));
    }
  });
}
