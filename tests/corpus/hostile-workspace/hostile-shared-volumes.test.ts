import { existsSync } from 'node:fs';
import { utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { DASHBOARD, LATENCY } from '../support/jobs-under-test.js';
import { describeHostile, type HostileCase } from './support/hostile-runner.js';
import { plantFile } from './support/plant.js';

/**
 * Class 6 of the trust rules: on a shared volume (NFS, a Kubernetes volume) another host's write
 * in flight must survive. Every temporary file the jobs write is named
 * `.<file>.tmp-<host>-<pid>-<random>`; a run sweeps only this host's whose process is gone, and
 * any host's not written to for an hour.
 */

const HOST =
  hostname()
    .replace(/[^A-Za-z0-9.-]/g, '_')
    .slice(0, 40) || 'unknown-host';
/** A pid no process has (beyond the kernel's limit). */
const DEAD_PID = 4_194_999;

const tempsOf = (target: string) => ({
  foreign: `${target.replace(/([^/]+)$/, '.$1')}.tmp-other-host.example-4242-0badf00d`,
  foreignOld: `${target.replace(/([^/]+)$/, '.$1')}.tmp-other-host.example-4243-0badf00e`,
  ownDead: `${target.replace(/([^/]+)$/, '.$1')}.tmp-${HOST}-${DEAD_PID}-0badf00f`,
});

/** Plants three temporary files beside `target`: another host's (fresh, and two hours old) and this host's of a dead pid. */
function sweepCase(job: HostileCase['job'], target: string): HostileCase {
  const temps = tempsOf(target);
  return {
    name: `${job.name}: temporary files beside ${target}`,
    job,
    plant: async (sandbox) => {
      for (const path of Object.values(temps)) await plantFile(sandbox.root, path, 'half-written\n');
      const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
      await utimes(join(sandbox.root, temps.foreignOld), twoHoursAgo, twoHoursAgo);
    },
    exit: 0,
    status: 'dry_run',
    errorCode: null,
    check: ({ sandbox, expect }) => {
      const left = (path: string) => existsSync(join(sandbox.root, path));
      expect(left(temps.foreign), 'another host’s write in flight is kept').toBe(true);
      expect(left(temps.foreignOld), 'another host’s abandoned file (an hour old) is swept').toBe(false);
      expect(left(temps.ownDead), 'this host’s file of a dead process is swept').toBe(false);
    },
  };
}

describeHostile('hostile workspace, class 6: temporary files on shared volumes', [
  sweepCase(LATENCY, 'ops/signal_latency.csv'),
  sweepCase(LATENCY, 'ops/signal_latency_rollup.csv'),
  sweepCase(LATENCY, 'ops/signal_latency_rejects.csv'),
  sweepCase(LATENCY, 'ops/signal_latency_archive/archive.csv.gz'),
  sweepCase(DASHBOARD, 'out/dashboard/manifest.json'),
  sweepCase(DASHBOARD, 'out/dashboard/latency.json'),
  sweepCase(DASHBOARD, 'out/dashboard/index.html'),
]);
