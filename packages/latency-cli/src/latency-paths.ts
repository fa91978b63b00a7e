import { join } from 'node:path';
import type { JobContext } from '@obs-automation/core';
import type { LatencyOptions } from './latency-options.js';

/** Absolute paths of every file one run reads or writes. */
export interface LatencyPaths {
  input: string;
  rollup: string;
  archiveDir: string;
  manifest: string;
  rejects: string;
  heartbeat: string;
  /** archives are written beside this placeholder, then renamed into YYYY/MM/ */
  archiveTempTarget: string;
}

export function resolveLatencyPaths(options: LatencyOptions, context: JobContext): LatencyPaths {
  const archiveDir = context.resolvePath(options.archiveDir);
  return {
    input: context.resolvePath(options.input),
    rollup: context.resolvePath(options.rollupOutput),
    archiveDir,
    manifest: context.resolvePath(options.archiveManifest),
    rejects: context.resolvePath(options.rejectsFile),
    heartbeat: context.resolvePath(options.heartbeatFile),
    archiveTempTarget: join(archiveDir, 'archive.csv.gz'),
  };
}
