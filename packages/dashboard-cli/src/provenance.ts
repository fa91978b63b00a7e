import {
  invalidInput,
  isJsonObject,
  type JobContext,
  type MaskOptions,
  maskCommand,
} from '@obs-automation/core';
import { displayPath, parseJsonInput, readInputFile } from './input-files.js';
import type { ManifestProvenance } from './manifest.js';

const STRING_KEYS = ['command', 'commit_sha'] as const;

/**
 * Reads a `--provenance` JSON object (e.g. written by the pipeline that produced the inputs) and
 * checks the keys the manifest relies on, so a bad file stops the run before anything is written.
 */
export async function readProvenanceFile(absolute: string, root: string): Promise<Record<string, unknown>> {
  const shown = displayPath(root, absolute);
  const value = parseJsonInput(await readInputFile(absolute, shown), shown);
  if (!isJsonObject(value)) throw invalidInput({ file: shown }, 'the document is not a JSON object');
  for (const key of STRING_KEYS) {
    if (key in value && (typeof value[key] !== 'string' || value[key] === '')) {
      throw invalidInput({ file: shown, key }, 'expected a non-empty string');
    }
  }
  const inputs = value.inputs;
  if (
    inputs !== undefined &&
    !(Array.isArray(inputs) && inputs.every((item) => typeof item === 'string' && item !== ''))
  ) {
    throw invalidInput({ file: shown, key: 'inputs' }, 'expected a list of paths');
  }
  const environment = value.environment;
  if (environment !== undefined && typeof environment !== 'string' && !isJsonObject(environment)) {
    throw invalidInput({ file: shown, key: 'environment' }, 'expected a string or an object');
  }
  return value;
}

/**
 * The manifest's provenance: the run context fills `command` (already masked), `commit_sha`,
 * `environment` and `inputs`; a `--provenance` file's keys are merged over them, except that its
 * `inputs` are added to (not replacing) the inputs this run actually read, and its `command` is
 * masked as every recorded command is — the manifest is uploaded with the bundle.
 */
export function buildProvenance(
  context: Pick<JobContext, 'command' | 'commitSha' | 'environment'>,
  binary: string,
  inputs: readonly string[],
  supplied: Record<string, unknown> = {},
  masking: MaskOptions = {},
): ManifestProvenance {
  const suppliedInputs = (supplied.inputs as string[] | undefined) ?? [];
  return {
    command: [binary, context.command].filter(Boolean).join(' '),
    commit_sha: context.commitSha,
    environment: context.environment,
    ...supplied,
    ...(typeof supplied.command === 'string' ? { command: maskCommand(supplied.command, masking) } : {}),
    inputs: [...new Set([...suppliedInputs, ...inputs])],
  };
}
