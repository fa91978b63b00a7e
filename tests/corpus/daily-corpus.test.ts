import { NOW, writeDailyInputs } from '../daily/support/daily-workspace.js';
import { BIN } from '../support/cli-process.js';
import { binaryGarbage, withBom, withCrlf } from './support/bad-inputs.js';
import { invalidConfig, invalidUsage } from './support/case-builders.js';
import type { CorpusCase } from './support/corpus-case.js';
import { describeCorpus } from './support/corpus-runner.js';
import { LATENCY_RAW_STORE } from './support/latency-row-store.js';
import {
  type MessageExpectation,
  namesFile,
  namesFileAndKey,
  namesFileAndSomeLine,
  namesFlag,
} from './support/message-expectation.js';

const CONFIG = 'configs/observability/automation.yaml';
/** Files the chain's jobs write over what the generator put in the workspace. */
const CHAIN_OUTPUTS = new Set(['ops/signal_latency_rollup.csv']);

function configCase(name: string, yaml: string | Buffer, message: MessageExpectation): CorpusCase {
  return invalidConfig(name, CONFIG, yaml, message);
}

const accepted = (name: string, files: CorpusCase['files'], args: readonly string[] = []): CorpusCase => ({
  name,
  files,
  args,
  exit: 0,
  status: 'dry_run',
  errorCode: null,
});

const configCases: CorpusCase[] = [
  configCase(
    'automation.yaml: unknown job',
    'reports:\n  enabled: true\n',
    namesFileAndKey(CONFIG, 'reports'),
  ),
  configCase(
    'automation.yaml: unknown key in a job',
    'weekly:\n  enable: false\n',
    namesFileAndKey(CONFIG, 'weekly.enable'),
  ),
  configCase(
    'automation.yaml: a string for enabled',
    'latency:\n  enabled: "no"\n',
    namesFileAndKey(CONFIG, 'latency.enabled'),
  ),
  configCase(
    'automation.yaml: args that are a list, not a map',
    'dashboard:\n  args: [--dry-run]\n',
    namesFileAndKey(CONFIG, 'dashboard.args'),
  ),
  configCase(
    'automation.yaml: an argument that is not a flag',
    'weekly:\n  args:\n    week-start: 2025-09-29\n',
    namesFileAndKey(CONFIG, 'weekly.args.week-start'),
  ),
  configCase(
    'automation.yaml: a flag the job does not have',
    'weekly:\n  args:\n    --bogus: true\n',
    namesFileAndKey(CONFIG, '--bogus'),
  ),
  configCase(
    'automation.yaml: a flag value the job refuses',
    'dashboard:\n  args:\n    --ev-history-limit: many\n',
    namesFileAndKey(CONFIG, '--ev-history-limit'),
  ),
  configCase(
    'automation.yaml: YAML syntax error',
    'weekly:\n  args: {--dry-run-webhook\n',
    namesFileAndSomeLine(CONFIG),
  ),
  configCase('automation.yaml: binary garbage', binaryGarbage(), namesFile(CONFIG)),
  accepted('automation.yaml: empty file means defaults', { [CONFIG]: '' }),
  accepted('automation.yaml: BOM and CRLF', {
    [CONFIG]: withBom(withCrlf('latency:\n  enabled: true\nweekly:\n  args:\n    --max-retries: 1\n')),
  }),
  {
    name: 'automation.yaml: --config naming a missing file',
    args: ['--config', 'configs/nowhere.yaml'],
    exit: 2,
    status: 'error',
    errorCode: 'invalid_config',
    message: namesFile('configs/nowhere.yaml'),
  },
];

const flagCases: CorpusCase[] = [
  {
    name: 'flags: without --observability',
    args: ['--dry-run'],
    ownArgsOnly: true,
    exit: 2,
    status: 'error',
    errorCode: 'invalid_usage',
    message: namesFlag('--observability'),
  },
  invalidUsage('flags: --jobs naming an unknown job', ['--jobs', 'latency,reports'], '--jobs'),
  invalidUsage('flags: --jobs naming no job', ['--jobs', ''], '--jobs'),
  invalidUsage('flags: a job id that breaks the pattern', ['--job-id', '20251006-daily'], '--job-id'),
  invalidUsage('flags: --now that is not a date', [], '--now', 'every 15 minutes'),
];

const chainCases: CorpusCase[] = [
  {
    name: 'chain: bad input in the second job stops the chain naming the job and the file',
    files: { 'runs/index.csv': binaryGarbage() },
    exit: 1,
    status: 'error',
    errorCode: 'job_failed',
    message: namesFileAndSomeLine('runs/index.csv'),
    check: ({ summary, expect }) => {
      expect(summary.jobs.map((job: { job: string; status: string }) => [job.job, job.status])).toEqual([
        ['latency', 'dry_run'],
        ['weekly', 'error'],
        ['dashboard', 'skipped'],
      ]);
      expect(summary.diagnostics.error_message).toContain('weekly');
    },
  },
];

describeCorpus({
  title: 'obs-daily bad-input corpus',
  binary: BIN.daily,
  now: NOW,
  args: ['--observability', '--dry-run'],
  base: writeDailyInputs,
  outputs: (path) => CHAIN_OUTPUTS.has(path),
  rowStores: [LATENCY_RAW_STORE],
  cases: [...configCases, ...flagCases, ...chainCases],
});
