import { join } from 'node:path';
import type { JobContext } from '@obs-automation/core';
import type { LatencyFile } from '@obs-automation/latency-store';
import type { LatencyOptions } from './latency-options.js';

/** Every file one run reads or writes: absolute paths, and root-relative labels for messages. */
export interface LatencyPaths {
  input: LatencyFile;
  rollup: LatencyFile;
  archiveDir: string;
  manifest: LatencyFile;
  rejects: LatencyFile;
  heartbeat: string;
  /** archives are written beside this placeholder, then renamed into YYYY/MM/ */
  archiveTempTarget: string;
}

export function resolveLatencyPaths(options: LatencyOptions, context: JobContext): LatencyPaths {
  const file = (path: string): LatencyFile => ({
    path: context.resolvePath(path),
    label: context.relativePath(path),
  });
  const archiveDir = context.resolvePath(options.archiveDir);
  return {
    input: file(options.input),
    rollup: file(options.rollupOutput),
    archiveDir,
    manifest: file(options.archiveManifest),
    rejects: file(options.rejectsFile),
    heartbeat: context.resolvePath(options.heartbeatFile),
    archiveTempTarget: join(archiveDir, 'archive.csv.gz'),
  };
}
