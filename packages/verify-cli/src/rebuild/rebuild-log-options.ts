import {
  defineOptions,
  flag,
  type OptionValues,
  path,
  type ResolvedInput,
  WORKSPACE_LAYOUT,
} from '@obs-automation/core';

export const REBUILD_LOG_OPTIONS = defineOptions({
  output: path('where the rebuilt log is written', { defaultLabel: '<log>.rebuilt' }),
  apply: flag(
    'back the log up to <log>.bak-<timestamp>, then replace the log and the sequence file with the rebuilt ones',
  ),
  lockFile: path('lock held by the rebuild', { default: WORKSPACE_LAYOUT.rebuildLogLock }),
});

/** The log to rebuild is the common --log-file, with its --sequence-file. */
export function finalizeRebuildLogOptions({
  values,
  common,
}: ResolvedInput<OptionValues<typeof REBUILD_LOG_OPTIONS.declarations>, unknown>) {
  return {
    ...values,
    logFile: common.logFile,
    sequenceFile: common.sequenceFile,
    output: values.output ?? `${common.logFile}.rebuilt`,
  };
}

export type RebuildLogOptions = ReturnType<typeof finalizeRebuildLogOptions>;
