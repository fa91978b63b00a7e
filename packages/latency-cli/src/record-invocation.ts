import { relative, resolve } from 'node:path';
import {
  DEFAULT_LOCK_STALE_SECONDS,
  loadYamlConfig,
  type OptionSpec,
  parseArgv,
  resolveAgainstRoot,
  resolveNow,
  resolveOptionValues,
  usageError,
} from '@obs-automation/core';
import { Command, Option } from 'commander';
import { z } from 'zod';
import { latencyConfigSchema } from './latency-config.js';
import {
  DEFAULT_CONFIG_PATH,
  INPUT_OPTION,
  LOCK_FILE_OPTION,
  REJECTS_FILE_OPTION,
} from './latency-options.js';
import type { SampleField } from './record/sample-input.js';

const LOCK_WAIT_OPTION: OptionSpec = {
  flag: '--lock-wait-seconds',
  value: '<s>',
  description: 'how long to wait for the lock while a job run holds it',
  defaultValue: 120,
  schema: z.coerce.number().min(0),
};

/** Options shared with the job (and their latency.yaml keys), so both use the same files and lock. */
const SHARED_OPTIONS: OptionSpec[] = [INPUT_OPTION, LOCK_FILE_OPTION, REJECTS_FILE_OPTION, LOCK_WAIT_OPTION];

export interface SampleFlag {
  flag: string;
  value: string;
  /** the flag's snake_case key, which is also the JSON-lines field it stands for */
  field: SampleField;
  description: string;
}

export const SAMPLE_FLAGS: SampleFlag[] = [
  {
    flag: '--source',
    value: '<name>',
    field: 'source',
    description: 'where the sample comes from, e.g. router_demo',
  },
  { flag: '--latency-ms', value: '<ms>', field: 'latency_ms', description: 'measured latency, ≥ 0' },
  {
    flag: '--status',
    value: '<status>',
    field: 'status',
    description: 'success | ok | stable, anything else is a failure (default: success)',
  },
  { flag: '--detail', value: '<text>', field: 'detail', description: 'free text, e.g. an HTTP status' },
  {
    flag: '--timestamp',
    value: '<iso>',
    field: 'timestamp',
    description: 'when it was measured; no zone means UTC (default: --now)',
  },
  {
    flag: '--ingest-latency-ms',
    value: '<ms>',
    field: 'ingest_latency_ms',
    description: 'delay between the run start and the measurement',
  },
];

function buildRecordCommand(): Command {
  const command = new Command('obs-latency record')
    .description(
      'Appends latency samples to the raw file under the lock the latency job uses, so a notifier can feed ' +
        'samples while the job runs without either losing a row. Writes no run-log entry: it is a data write, not a job run.',
    )
    .exitOverride()
    .allowExcessArguments(false)
    .configureOutput({ writeErr: () => undefined, outputError: () => undefined })
    .option('--root <dir>', 'workspace root (env OBS_ROOT; default: current directory)')
    .option(
      '--config <yaml>',
      `latency config with defaults for the shared flags (default: ${DEFAULT_CONFIG_PATH})`,
    )
    .option('--now <iso>', 'clock override (env OBS_NOW; default: system time)')
    .option('--json-out <path>', 'also write the JSON summary to this file')
    .option('--config-dump', 'print the effective configuration as JSON and exit 0 without side effects')
    .option(
      '--lock-stale-seconds <n>',
      `a lock not refreshed for this long is taken over (default: ${DEFAULT_LOCK_STALE_SECONDS})`,
    )
    .option(
      '--from-jsonl <file|->',
      'read samples from JSON lines (one object per line with the fields below in snake_case); - is stdin',
    );
  for (const spec of SAMPLE_FLAGS) command.option(`${spec.flag} ${spec.value}`, spec.description);
  for (const spec of SHARED_OPTIONS) {
    command.addOption(
      new Option(`${spec.flag} ${spec.value}`, `${spec.description} (default: ${spec.defaultValue})`),
    );
  }
  command.addHelpText(
    'after',
    '\nExamples:\n  obs-latency record --source router_demo --latency-ms 412 --status success\n' +
      '  notifier | obs-latency record --from-jsonl -\n' +
      '  obs-latency record --from-jsonl samples.jsonl --lock-wait-seconds 300\n',
  );
  return command;
}

/** `obs-latency record`'s command line, resolved against the root and latency.yaml. */
export interface RecordInvocation {
  /** raw flags by snake_case key, for the sample fields */
  flags: Record<string, unknown>;
  root: string;
  now: Date;
  rawPath: string;
  rejectsPath: string;
  lockPath: string;
  lockWaitSeconds: number;
  lockStaleSeconds: number;
  jsonOut: string | null;
  /** what --config-dump prints, or null when it was not asked for */
  dump: Record<string, unknown> | null;
  relativePath(path: string): string;
}

/** Parses the flags (usage errors exit 2) and applies flag > latency.yaml > default. */
export async function resolveRecordInvocation(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<RecordInvocation> {
  const flags = parseArgv(buildRecordCommand(), argv);
  const root = resolve((flags.root as string | undefined) ?? env.OBS_ROOT ?? process.cwd());
  const staleText = flags.lock_stale_seconds as string | undefined;
  const lockStaleSeconds = staleText === undefined ? DEFAULT_LOCK_STALE_SECONDS : Number(staleText);
  if (!(lockStaleSeconds > 0)) {
    throw usageError(`--lock-stale-seconds: "${staleText}" is not a positive number`, {
      flag: '--lock-stale-seconds',
    });
  }
  const configFlag = flags.config as string | undefined;
  const config = await loadYamlConfig(latencyConfigSchema, configFlag ?? DEFAULT_CONFIG_PATH, {
    root,
    explicit: configFlag !== undefined,
    flag: '--config',
  });
  const { values } = resolveOptionValues(SHARED_OPTIONS, flags, config.config, config.path);
  const path = (key: string) => resolveAgainstRoot(root, values[key] as string);
  const jsonOut = flags.json_out as string | undefined;
  return {
    flags,
    root,
    now: resolveNow(flags.now as string | undefined, env),
    rawPath: path('input'),
    rejectsPath: path('rejects_file'),
    lockPath: path('lock_file'),
    lockWaitSeconds: values.lock_wait_seconds as number,
    lockStaleSeconds,
    jsonOut: jsonOut === undefined ? null : resolveAgainstRoot(root, jsonOut),
    dump:
      flags.config_dump === true
        ? {
            command: 'record',
            root,
            config_path: config.path,
            config_exists: config.exists,
            options: { ...values, lock_stale_seconds: lockStaleSeconds, json_out: jsonOut ?? null },
          }
        : null,
    relativePath: (target) => relative(root, target) || target,
  };
}
