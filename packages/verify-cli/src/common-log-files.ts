import {
  DEFAULT_LOG_FILE,
  DEFAULT_SEQUENCE_FILE,
  type JobDefinition,
  parseJobArgv,
} from '@obs-automation/core';

/**
 * The run log and sequence file named by the common --log-file / --sequence-file flags. A job
 * body does not see the common options, so they are read from the same argv the harness parsed,
 * with the harness's own parser (it has already accepted that argv by the time finalize runs).
 */
export function commonLogFiles(
  definition: JobDefinition<unknown, unknown>,
  argv: readonly string[],
): { logFile: string; sequenceFile: string } {
  const flags = parseJobArgv(definition, argv);
  return {
    logFile: typeof flags.log_file === 'string' ? flags.log_file : DEFAULT_LOG_FILE,
    sequenceFile: typeof flags.sequence_file === 'string' ? flags.sequence_file : DEFAULT_SEQUENCE_FILE,
  };
}
