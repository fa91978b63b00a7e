import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { JOB_REGISTRY } from '../../packages/automation-core/src/job-registry.js';
import { METRIC_FAMILY_LIST } from '../../packages/automation-core/src/metrics/metric-families.js';
import { REPO_ROOT } from '../support/cli-process.js';
import { PROMTOOL, runTool } from './support/prometheus-tools.js';

const FOLDER = join(REPO_ROOT, 'docs/deploy/prometheus');
const RULES_FILE = join(FOLDER, 'obs-automation.rules.yml');
const TESTS_FILES = ['obs-automation.rules.test.yml', 'obs-automation.rules.verify.test.yml'].map((name) =>
  join(FOLDER, name),
);
const PROMTOOL_NOTE = PROMTOOL
  ? 'with promtool'
  : 'SKIPPED: promtool (Debian package prometheus) is not installed';

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
}
interface AlertTest {
  alertname: string;
  exp_alerts: unknown[];
}

const rules = (parse(readFileSync(RULES_FILE, 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap(
  (group) => group.rules,
);
const alertTests = TESTS_FILES.flatMap((file) =>
  (parse(readFileSync(file, 'utf8')) as { tests: { alert_rule_test: AlertTest[] }[] }).tests.flatMap(
    (test) => test.alert_rule_test,
  ),
);

/** A Prometheus duration (`30m`, `48h`) in seconds. */
function durationSeconds(text: string): number {
  const match = /^(\d+)([smhd])$/.exec(text);
  if (!match) throw new Error(`not a simple duration: ${text}`);
  return Number(match[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[match[2] as 's' | 'm' | 'h' | 'd'];
}

describe('docs/deploy/prometheus/obs-automation.rules.yml', () => {
  it.skipIf(!PROMTOOL)(`passes promtool check rules (${PROMTOOL_NOTE})`, async () => {
    const result = await runTool(PROMTOOL as string, ['check', 'rules', RULES_FILE]);
    expect(`${result.exitCode} ${result.stdout}${result.stderr}`).toMatch(/^0 .*SUCCESS: \d+ rules found/s);
  });

  it.skipIf(!PROMTOOL)(`passes its unit tests, promtool test rules (${PROMTOOL_NOTE})`, async () => {
    const result = await runTool(PROMTOOL as string, ['test', 'rules', ...TESTS_FILES]);
    expect(`${result.exitCode} ${result.stdout}${result.stderr}`).toMatch(/^0 .*SUCCESS.*SUCCESS/s);
    expect(result.stdout).not.toMatch(/FAILED/);
  });

  it.skipIf(!PROMTOOL)(`scrape-config.yml passes promtool check config (${PROMTOOL_NOTE})`, async () => {
    // The snippet loads the rules from /etc/prometheus; here from this folder.
    const dir = await mkdtemp(join(tmpdir(), 'obs-prometheus-config-'));
    try {
      const config = readFileSync(join(FOLDER, 'scrape-config.yml'), 'utf8').replace(
        '/etc/prometheus/obs-automation.rules.yml',
        RULES_FILE,
      );
      expect(config).toContain(RULES_FILE);
      await writeFile(join(dir, 'prometheus.yml'), config);
      const result = await runTool(PROMTOOL as string, ['check', 'config', join(dir, 'prometheus.yml')]);
      expect(`${result.exitCode} ${result.stdout}${result.stderr}`).toMatch(/^0 .*SUCCESS/s);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  const scheduled = JOB_REGISTRY.flatMap((job) =>
    job.schedule ? [[job.name, job.schedule.periodSeconds] as const] : [],
  );
  it.each(scheduled)(
    '%s: stale after two schedule periods of the job registry (%i s each)',
    (name, periodSeconds) => {
      const own = rules.filter((rule) => rule.labels?.job === name);
      const stale = own.find((rule) => rule.alert === 'ObsJobStale');
      const noSuccess = own.find((rule) => rule.alert === 'ObsJobNoSuccess');
      expect(stale?.expr).toBe(
        `time() - obs_job_last_success_timestamp_seconds{job="${name}"} > ${2 * periodSeconds}`,
      );
      expect(noSuccess?.expr).toBe(`absent(obs_job_last_success_timestamp_seconds{job="${name}"})`);
      expect(durationSeconds(noSuccess?.for ?? '')).toBe(2 * periodSeconds);
    },
  );

  it('has no per-job rule for a job the registry does not know', () => {
    const names = new Set<string>(JOB_REGISTRY.map((job) => job.name));
    for (const rule of rules)
      if (rule.labels?.job) expect(names.has(rule.labels.job), rule.labels.job).toBe(true);
  });

  it('has, for every alert, a unit test where it fires and one where it does not', () => {
    const alerts = new Set(rules.map((rule) => rule.alert));
    expect([...alerts].sort()).toEqual([
      'ObsJobFailing',
      'ObsJobNoSuccess',
      'ObsJobStale',
      'ObsJobWarning',
      'ObsLatencyDataStale',
      'ObsLatencySloBreach',
      'ObsMetricsTextfileError',
      'ObsNotificationsPending',
      'ObsRunLogSequenceGap',
      'ObsWeeklyReportLate',
    ]);
    for (const alert of alerts) {
      const tests = alertTests.filter((test) => test.alertname === alert);
      expect(
        tests.some((test) => test.exp_alerts.length > 0),
        `${alert} fires`,
      ).toBe(true);
      expect(
        tests.some((test) => test.exp_alerts.length === 0),
        `${alert} stays quiet`,
      ).toBe(true);
    }
  });

  it('names only metric families of the catalogue, besides node_exporter’s own', () => {
    const known = new Set(METRIC_FAMILY_LIST.map((family) => family.name));
    for (const rule of rules) {
      for (const [name] of rule.expr.matchAll(/\b[a-z_]+(?=[{\s[]|$)/g)) {
        if (name.startsWith('obs_')) expect(known.has(name), `${rule.alert}: ${name}`).toBe(true);
      }
    }
  });
});
