import { anyText, defineOptions, type OptionValues, path } from '@obs-automation/core';
import { COMMAND_LOCK_WAIT, SHARED_DECLARATIONS } from './latency-options.js';

/** The sample fields as flags: each key's snake_case is the JSON-lines field it stands for. */
export const SAMPLE_DECLARATIONS = {
  source: anyText('where the sample comes from, e.g. router_demo', { value: '<name>', inConfig: false }),
  latencyMs: anyText('measured latency, ≥ 0', { value: '<ms>', inConfig: false }),
  status: anyText('success | ok | stable, anything else is a failure', {
    value: '<status>',
    defaultLabel: 'success',
    inConfig: false,
  }),
  detail: anyText('free text, e.g. an HTTP status', { inConfig: false }),
  timestamp: anyText('when it was measured; no zone means UTC', {
    value: '<iso>',
    defaultLabel: '--now',
    inConfig: false,
  }),
  ingestLatencyMs: anyText('delay between the run start and the measurement', {
    value: '<ms>',
    inConfig: false,
  }),
};

export const RECORD_OPTIONS = defineOptions({
  fromJsonl: path(
    'read samples from JSON lines (one object per line with the fields below in snake_case); - is stdin',
    { value: '<file|->', inConfig: false },
  ),
  ...SAMPLE_DECLARATIONS,
  input: SHARED_DECLARATIONS.input,
  lockFile: SHARED_DECLARATIONS.lockFile,
  rejectsFile: SHARED_DECLARATIONS.rejectsFile,
  lockWaitSeconds: COMMAND_LOCK_WAIT,
});

export type RecordOptions = OptionValues<typeof RECORD_OPTIONS.declarations>;
