import { defineOptions, flag, type OptionValues } from '@obs-automation/core';
import { COMMAND_LOCK_WAIT, SHARED_DECLARATIONS } from '../latency-options.js';

/**
 * How `obs-latency compact-archives` names itself: its summaries' job name, the job id on its
 * manifest lines (ending in "latency", as the archive schema requires) and the lock's holder.
 */
export const COMPACT_COMMAND_NAME = 'compact-latency';

export const COMPACT_OPTIONS = defineOptions({
  archiveDir: SHARED_DECLARATIONS.archiveDir,
  archiveManifest: SHARED_DECLARATIONS.archiveManifest,
  lockFile: SHARED_DECLARATIONS.lockFile,
  lockWaitSeconds: COMMAND_LOCK_WAIT,
  dryRun: flag('report what would be folded; write nothing', { inConfig: false }),
});

export type CompactOptions = OptionValues<typeof COMPACT_OPTIONS.declarations>;
