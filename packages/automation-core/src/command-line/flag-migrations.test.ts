import { CommanderError } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { JobError } from '../job-error.js';
import { buildProgram, type CommandLine, parseCommandLine } from './commander-program.js';
import { removedFlag, renamedFlag } from './flag-migrations.js';
import { defineOptions } from './option-declaration.js';
import { count, flag, list, optionTypes, path } from './option-kit.js';

const OPTIONS = defineOptions({
  dryRunAlert: flag('send nothing', { flag: '--dry-run', aliases: ['--dry-run-alert'] }),
  maxHeartbeatAgeHours: count('hours', { default: 6 }),
  dataset: list(optionTypes.choice(['ev_history', 'latency']), 'datasets', { default: ['latency'] }),
  heartbeat: list(optionTypes.path, 'heartbeats', { value: '<file>' }),
  historyDir: path('history', { value: '<dir>' }),
});

const LINE: CommandLine = {
  name: 'obs-example',
  description: 'an example',
  examples: ['obs-example --dry-run'],
  options: OPTIONS.entries,
  migrations: [
    renamedFlag('--heartbeat-max-age-hours', '--max-heartbeat-age-hours'),
    renamedFlag('--file', '--heartbeat'),
    removedFlag('--slo-threshold', 'set slo_p95_ms in latency_alert.yaml'),
  ],
  version: 'obs-example 1.0.0 (abc)',
};

function parse(argv: string[]) {
  const notices: string[] = [];
  const parsed = parseCommandLine(buildProgram(LINE), argv, (line) => notices.push(line));
  return { flags: parsed.flags, notices };
}

function usageErrorOf(argv: string[]): JobError {
  try {
    parse(argv);
  } catch (error) {
    if (error instanceof JobError) return error;
    throw error;
  }
  throw new Error(`${argv.join(' ')} parsed`);
}

describe('a flag of its own and its aliases', () => {
  it('sets the option key under the declared flag and under each alias, silently', () => {
    expect(parse(['--dry-run'])).toEqual({ flags: { dryRunAlert: true }, notices: [] });
    expect(parse(['--dry-run-alert'])).toEqual({ flags: { dryRunAlert: true }, notices: [] });
  });

  it('refuses the same option under two names', () => {
    const error = usageErrorOf(['--dry-run', '--dry-run-alert']);
    expect(error.message).toBe('--dry-run and --dry-run-alert are the same option: give --dry-run once');
    expect(error.details).toMatchObject({ flag: '--dry-run' });
  });

  it('refuses at build time two flags that would share one option value', () => {
    const clash: CommandLine = { ...LINE, migrations: [renamedFlag('--history-dir', '--heartbeat')] };
    expect(() => buildProgram(clash)).toThrow('obs-example: --history-dir collides with another flag');
    const alias: CommandLine = {
      ...LINE,
      options: defineOptions({ a: flag('a', { flag: '--max-age', aliases: ['--max_age', '--maxAge'] }) })
        .entries,
      migrations: [],
    };
    expect(() => buildProgram(alias)).toThrow('obs-example: --maxAge collides with another flag');
  });

  it('does not show aliases in --help', () => {
    const program = buildProgram(LINE);
    let help = '';
    program.configureOutput({ writeOut: (chunk) => (help += chunk) });
    expect(() => parseCommandLine(program, ['--help'])).toThrow(CommanderError);
    expect(help).toContain('--dry-run ');
    expect(help).not.toContain('--dry-run-alert');
    expect(help).not.toContain('--heartbeat-max-age-hours');
  });
});

describe('flags of the earlier tooling', () => {
  it('accepts a renamed flag as its replacement, with one notice naming both and the guide', () => {
    expect(parse(['--heartbeat-max-age-hours', '2'])).toEqual({
      flags: { maxHeartbeatAgeHours: '2' },
      notices: [
        'obs-example: deprecated: --heartbeat-max-age-hours is --max-heartbeat-age-hours (docs/migration.md#heartbeat-max-age-hours)',
      ],
    });
  });

  it('joins the values of a list option given under both names', () => {
    const { flags } = parse(['--heartbeat', 'a.json', '--file', 'b.json', '--heartbeat', 'c.json']);
    expect(flags.heartbeat).toEqual(['a.json', 'c.json', 'b.json']);
  });

  it('refuses a removed flag, saying what replaces it', () => {
    const error = usageErrorOf(['--slo-threshold', '5']);
    expect(error.message).toBe(
      '--slo-threshold is not supported: set slo_p95_ms in latency_alert.yaml (docs/migration.md#slo-threshold)',
    );
    expect(error.details).toMatchObject({ flag: '--slo-threshold' });
    expect(usageErrorOf(['--slo-threshold=5']).details).toMatchObject({ flag: '--slo-threshold' });
  });

  it('never quotes the value of an unknown --flag=value', () => {
    const error = usageErrorOf(['--webhook-url=https://hooks.example.com/services/T0/B0/secret']);
    expect(error.message).toBe("unknown option '--webhook-url'");
  });

  it('rejects a declaration that renames to a flag the command does not take', () => {
    expect(() => buildProgram({ ...LINE, migrations: [renamedFlag('--out-json', '--json-out')] })).toThrow(
      /--out-json becomes --json-out, not a flag of it/,
    );
  });

  it('rejects a removed flag the command still takes', () => {
    expect(() => buildProgram({ ...LINE, migrations: [removedFlag('--dry-run', 'nothing')] })).toThrow(
      /--dry-run is both taken and removed/,
    );
  });
});

describe('completion', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  function script(shell: string): string {
    let printed = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed += String(chunk);
      return true;
    });
    const thrown = (() => {
      try {
        parseCommandLine(buildProgram(LINE), ['completion', shell]);
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(CommanderError);
    expect((thrown as CommanderError).exitCode).toBe(0);
    return printed;
  }

  it.each(['bash', 'zsh', 'fish'])(
    '%s lists the declared flags, not the aliases or earlier names',
    (shell) => {
      const text = script(shell);
      const flags = (name: string) => (shell === 'fish' ? `-l ${name.slice(2)} ` : name);
      for (const name of ['--dry-run', '--max-heartbeat-age-hours', '--dataset', '--history-dir']) {
        expect(text).toContain(flags(name));
      }
      for (const name of ['--dry-run-alert', '--heartbeat-max-age-hours', '--slo-threshold']) {
        expect(text).not.toContain(flags(name));
      }
      expect(text).toContain('ev_history latency');
    },
  );
});
