import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { JOB_REGISTRY, type JobName } from '../../packages/automation-core/src/job-registry.js';
import { BIN, type CliResult, cleanEnv, makeWorkspace, REPO_ROOT, runCli } from '../support/cli-process.js';

// Every obs-* command written in the docs and deploy examples must be one the CLIs accept as
// written. Each is run with --config-dump, which resolves every flag and config exactly as a
// real run would and then exits 0 without side effects.
const DOCUMENTS = [
  'README.md',
  'docs/runbook.md',
  'docs/checklists/p3_observability_automation.md',
  'ops/credentials.md',
  ...readdirSync(join(REPO_ROOT, 'docs/deploy'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(REPO_ROOT, join(entry.parentPath, entry.name))),
];
const SAMPLE_JOB_ID = '20261124T101500Z-daily';

interface DocumentedCommand {
  document: string;
  text: string;
  binary: string;
  args: string[];
}

function shellWords(text: string): string[] {
  const words: string[] = [];
  for (const match of text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g))
    words.push(match[1] ?? match[2] ?? match[3] ?? '');
  return words;
}

/** `bin/obs-<name> …` up to the end of the command: a redirection, `&&`, `|`, `#` or a closing quote or bracket. */
function documentedCommands(document: string): DocumentedCommand[] {
  const text = readFileSync(join(REPO_ROOT, document), 'utf8');
  const commands: DocumentedCommand[] = [];
  for (const match of text.matchAll(
    /(?:\.\/)?bin\/obs-([a-z]+)((?:[ \t]+(?!>|&&|\||#|`)[^\s`"\]]+|[ \t]+"[^"\n]*")*)/g,
  )) {
    const binary = match[1] as string;
    const args = shellWords((match[2] ?? '').replace(/\$\{\{[^}]*\}\}/g, SAMPLE_JOB_ID)).map((word) =>
      word === '"' ? '' : word,
    );
    commands.push({ document, text: match[0], binary, args: args.filter((word) => word !== '') });
  }
  return commands;
}

interface CronJobManifest {
  spec: {
    jobTemplate: { spec: { template: { spec: { containers: { command: string[]; args?: string[] }[] } } } };
  };
}

/** A command given as a list of words (a Kubernetes container, a Dockerfile CMD), not as a shell line. */
function listedCommand(document: string, words: readonly string[]): DocumentedCommand {
  const [program = '', ...args] = words;
  return { document, text: words.join(' '), binary: program.replace(/^.*obs-/, ''), args };
}

/** The Kubernetes example's CronJobs, one YAML document each. */
function cronJobCommands(document: string): DocumentedCommand[] {
  return parseAllDocuments(readFileSync(join(REPO_ROOT, document), 'utf8')).flatMap((parsed) =>
    (parsed.toJS() as CronJobManifest).spec.jobTemplate.spec.template.spec.containers.map((container) =>
      listedCommand(document, [...container.command, ...(container.args ?? [])]),
    ),
  );
}

/** The Dockerfile's exec-form CMD. */
function dockerfileCommands(document: string): DocumentedCommand[] {
  const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(join(REPO_ROOT, document), 'utf8'))?.[1];
  return cmd ? [listedCommand(document, JSON.parse(cmd) as string[])] : [];
}

const commands = DOCUMENTS.flatMap((document) =>
  document.endsWith('.yaml') && document.includes('kubernetes')
    ? cronJobCommands(document)
    : document.endsWith('Dockerfile')
      ? dockerfileCommands(document)
      : documentedCommands(document),
);
let root: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ root, cleanup } = await makeWorkspace('obs-docs-'));
});

afterAll(async () => {
  await cleanup();
});

/**
 * The --config-dump run of a command line. Many documents give the same words (a plain
 * `bin/obs-verify` in most): each distinct command line runs once, and every test of it checks
 * that run.
 */
const configDumps = new Map<string, Promise<CliResult>>();
function configDump(command: DocumentedCommand): Promise<CliResult> {
  const binary = BIN[registeredName(command.binary)];
  const args = [...command.args, '--root', root, '--config-dump'];
  const key = JSON.stringify([binary, ...args]);
  const run =
    configDumps.get(key) ??
    runCli(binary, args, {
      env: cleanEnv({
        OBS_WEEKLY_WEBHOOK_URL: 'https://hooks.example.com/x',
        OBS_WEBHOOK_SECRET: 'x'.repeat(40),
      }),
    });
  configDumps.set(key, run);
  return run;
}

describe('commands in the docs', () => {
  it('finds commands in every kind of document', () => {
    const documents = new Set(commands.map((command) => command.document));
    expect(documents).toContain('docs/runbook.md');
    expect(documents).toContain('docs/deploy/crontab');
    expect(documents).toContain('docs/deploy/obs-daily.service');
    expect(documents).toContain('docs/deploy/obs-verify.service');
    expect(documents).toContain('docs/deploy/kubernetes-cronjobs.yaml');
    expect(documents).toContain('docs/deploy/Dockerfile');
    expect(documents).toContain('docs/deploy/github-actions-verify.yml');
    expect(documents).toContain('docs/deploy/prometheus/README.md');
  });

  it.each(commands.map((command) => [`${command.document}: ${command.text}`, command] as const))(
    '%s',
    async (_name, command) => {
      const result = await configDump(command);
      expect(result.exitCode, `${result.stdout}${result.stderr}`).toBe(0);
      expect(() => result.json()).not.toThrow();
      expect(readdirSync(root)).toEqual([]);
    },
  );
});

/** The registry name of a documented `obs-<name>`. */
function registeredName(name: string): JobName {
  const job = JOB_REGISTRY.find((entry) => entry.binary === `obs-${name}`);
  if (!job) throw new Error(`unknown binary obs-${name}`);
  return job.name;
}
