// Loaded with `node --import` into a benchmarked process: records its peak RSS (KiB) at exit in
// BENCH_RSS_FILE and, when BENCH_CPU_FILE is set, the CPU time it used (user + system, ms) there:
// CPU time moves much less than wall time with the load others put on a shared machine.
//
// The peak is Linux's VmHWM, the high-water mark of this program's memory since it started.
// getrusage's maxRSS is not: Linux keeps it across exec, so a process started by a large one (a
// long-lived test worker) reports at least the RSS its parent had when it forked.
import { readFileSync, writeFileSync } from 'node:fs';

const target = process.env.BENCH_RSS_FILE;
const cpuTarget = process.env.BENCH_CPU_FILE;

function peakRssKib() {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]);
  } catch {}
  return process.resourceUsage().maxRSS;
}

if (target) {
  process.on('exit', () => {
    writeFileSync(target, String(peakRssKib()));
    if (cpuTarget) {
      const { user, system } = process.cpuUsage();
      writeFileSync(cpuTarget, String((user + system) / 1000));
    }
  });
}
