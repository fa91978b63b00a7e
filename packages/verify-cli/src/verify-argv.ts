import type { VerifyInvocation } from './verify-options.js';

interface FlagOccurrence {
  /** index of the flag token */
  index: number;
  /** tokens the occurrence spans: 1 for `--flag=value`, 2 for `--flag value` */
  span: number;
  value: string;
}

/**
 * Where a single-valued flag occurs, read the way commander reads it: `--flag=value` or
 * `--flag value` (the next token is the value whatever it looks like); nothing after `--`.
 */
function occurrences(argv: readonly string[], flag: string): FlagOccurrence[] {
  const found: FlagOccurrence[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const token = argv[index] as string;
    if (token === '--') break;
    if (token.startsWith(`${flag}=`)) found.push({ index, span: 1, value: token.slice(flag.length + 1) });
    else if (token === flag && index + 1 < argv.length) {
      found.push({ index, span: 2, value: argv[index + 1] as string });
      index += 1;
    }
  }
  return found;
}

function lastValue(argv: readonly string[], flag: string): string | undefined {
  return occurrences(argv, flag).at(-1)?.value;
}

function without(argv: readonly string[], found: readonly FlagOccurrence[]): string[] {
  const dropped = new Set(found.flatMap(({ index, span }) => (span === 2 ? [index, index + 1] : [index])));
  return argv.filter((_, index) => !dropped.has(index));
}

/**
 * obs-verify's command line for the harness. `--job-id` names the job to trace, so it is taken
 * out: the verification run gets an id of its own and its log entry never poses as the traced
 * job. The run is recorded in the log it checks, so `--check-log` alone also sets `--log-file`.
 */
export function verifyInvocationOf(argv: readonly string[]): VerifyInvocation {
  const traced = occurrences(argv, '--job-id');
  const rest = without(argv, traced);
  const checkLog = lastValue(rest, '--check-log');
  const harnessArgv =
    checkLog !== undefined && lastValue(rest, '--log-file') === undefined
      ? ['--log-file', checkLog, ...rest]
      : rest;
  return { traceJobId: traced.at(-1)?.value, argv: harnessArgv };
}
