import type { JobDefinition, OptionSpec, ResolvedInput } from '@obs-automation/core';
import { z } from 'zod';
import { commonLogFiles } from '../common-log-files.js';

export interface RebuildLogOptions {
  logFile: string;
  sequenceFile: string;
  output: string;
  apply: boolean;
  lockFile: string;
}

export const rebuildLogOptionSpecs: OptionSpec[] = [
  {
    flag: '--output',
    value: '<path>',
    description: 'where the rebuilt log is written',
    defaultLabel: '<log>.rebuilt',
    schema: z.string().min(1),
  },
  {
    flag: '--apply',
    description:
      'back the log up to <log>.bak-<timestamp>, then replace the log and the sequence file with the rebuilt ones',
    schema: z.boolean(),
  },
  {
    flag: '--lock-file',
    value: '<path>',
    description: 'lock held by the rebuild',
    defaultValue: 'ops/.rebuild-log.lock',
    schema: z.string().min(1),
  },
];

/** The log to rebuild is the common --log-file (see commonLogFiles). */
export function finalizeRebuildLogOptions(
  definition: JobDefinition<RebuildLogOptions>,
  argv: readonly string[],
  { values }: ResolvedInput<Record<string, unknown>>,
): RebuildLogOptions {
  const { logFile, sequenceFile } = commonLogFiles(
    definition as unknown as JobDefinition<unknown, unknown>,
    argv,
  );
  return {
    logFile,
    sequenceFile,
    output: (values.output as string | undefined) ?? `${logFile}.rebuilt`,
    apply: values.apply === true,
    lockFile: values.lock_file as string,
  };
}
