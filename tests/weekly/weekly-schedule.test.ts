import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startWebhookTestServer,
  type WebhookTestServer,
} from '../../packages/automation-core/src/test-support/webhook-test-server.js';
import { cleanEnv } from '../support/cli-process.js';
import {
  ArrivingInputs,
  makeSimulationWorkspace,
  runWeeklyAt,
  type SimulatedRun,
  simulate,
} from './support/simulated-clock.js';
import { type JsonDocument, readJson, readJsonLines, SECRET } from './weekly-run.js';

/**
 * The schedule end to end, in-process through the job harness (as obs-daily runs the job) with a
 * real webhook receiver on 127.0.0.1: the clock advances every 15 minutes while inputs arrive.
 */

const HISTORY = 'ops/weekly_report_history';

let root: string;
let cleanup: () => Promise<void>;
let server: WebhookTestServer;
let env: NodeJS.ProcessEnv;

beforeEach(async () => {
  ({ root, cleanup } = await makeSimulationWorkspace());
  server = await startWebhookTestServer({ path: '/hooks/weekly' });
  env = cleanEnv({ OBS_WEEKLY_WEBHOOK_URL: server.url, OBS_WEBHOOK_SECRET: SECRET });
});
afterEach(async () => {
  await server.close();
  await cleanup();
});

const delivered = (runs: readonly SimulatedRun[]) => runs.filter((run) => run.summary.delivered);
const payloads = () =>
  server.requests.map((request) => JSON.parse(request.body.toString('utf8')) as JsonDocument);

/**
 * A deployment that has been running: inputs arrive from `dataFrom`, and the report of that week
 * was delivered on time, at `saturday` 23:30. (A deployment's very first run delivers the week
 * whose send time last passed; docs/decisions.md, "Weekly schedule".)
 */
async function establishedDeployment(dataFrom: string, saturday: string): Promise<ArrivingInputs> {
  const inputs = await ArrivingInputs.create(root, `${dataFrom}T00:00:00Z`);
  await inputs.advanceTo(Date.parse(`${saturday}T23:30:00Z`));
  const first = await runWeeklyAt(root, `${saturday}T23:30:00Z`, env);
  expect(first.summary).toMatchObject({ status: 'ok', delivered: true, week_start: dataFrom });
  return inputs;
}

describe('obs-weekly on the send-time schedule', () => {
  it('over nine days of runs every 15 minutes, from the day of one send time to the day after the next, delivers each week once, at Saturday 23:30, with Monday to Saturday in it', async () => {
    const inputs = await establishedDeployment('2026-06-15', '2026-06-20');
    // From the Saturday of the first send time to the end of the Sunday after the second: every
    // instant the assertions name, and a whole week of runs (Sunday to Saturday) between the two.
    const runs = await simulate({
      root,
      inputs,
      env,
      from: '2026-06-27T00:00:00Z',
      to: '2026-07-06T00:00:00Z',
    });
    expect(runs).toHaveLength(9 * 96);
    expect(runs.every((run) => run.exitCode === 0 && run.summary.status === 'ok')).toBe(true);

    expect(delivered(runs).map((run) => [run.now, run.summary.week_start, run.summary.webhook_id])).toEqual([
      ['2026-06-27T23:30:00.000Z', '2026-06-22', 'obs-weekly:2026-06-22'],
      ['2026-07-04T23:30:00.000Z', '2026-06-29', 'obs-weekly:2026-06-29'],
    ]);
    expect(server.requests).toHaveLength(3);
    const [, first, second] = payloads();
    expect(first).toMatchObject({
      generated_at: '2026-06-27T23:30:00.000Z',
      week_start: '2026-06-22',
      week_end: '2026-06-28',
    });
    expect(first?.runs.map((run: JsonDocument) => run.run_id)).toEqual(
      inputs.runIds('2026-06-22T00:00:00Z', '2026-06-28T00:00:00Z').reverse(),
    );
    // One sample an hour, Monday 00:10 to Saturday 23:10.
    expect(first?.latency).toMatchObject({ samples: 6 * 24, method: 'exact' });
    expect(second).toMatchObject({ generated_at: '2026-07-04T23:30:00.000Z', week_start: '2026-06-29' });
    expect(second?.runs).toHaveLength(6);
    expect(second?.latency.samples).toBe(6 * 24);

    // Every other run has nothing due, builds nothing, and says when the next report is.
    const idle = runs.filter((run) => !run.summary.delivered);
    expect(new Set(idle.map((run) => run.summary.reason))).toEqual(new Set(['not_due']));
    expect(idle.every((run) => run.summary.attempts === 0 && run.summary.week_start === null)).toBe(true);
    const at = (now: string) => idle.find((run) => run.now === now)?.summary;
    expect(at('2026-06-27T23:15:00.000Z')).toMatchObject({
      next_due_at: '2026-06-27T23:30:00.000Z',
      next_due_week_start: '2026-06-22',
      last_delivered_week_start: '2026-06-15',
    });
    expect(at('2026-06-27T23:45:00.000Z')).toMatchObject({
      next_due_at: '2026-07-04T23:30:00.000Z',
      next_due_week_start: '2026-06-29',
      last_delivered_week_start: '2026-06-22',
    });
    expect(await readJson(root, 'ops/weekly_report_heartbeat.json')).toMatchObject({
      status: 'ok',
      last_delivered_week_start: '2026-06-29',
      next_due_at: '2026-07-11T23:30:00.000Z',
      next_due_week_start: '2026-07-06',
      last_webhook_status_code: 200,
    });
    expect((await readdir(join(root, HISTORY))).sort()).toEqual([
      '2026-06-15.json',
      '2026-06-15.sig',
      '2026-06-22.json',
      '2026-06-22.sig',
      '2026-06-29.json',
      '2026-06-29.sig',
      'manifest.jsonl',
    ]);

    // Late data: Sunday's run arrived after the send time. The delivered report stays as it was;
    // a forced re-send of the week is revision 2 under the same webhook-id base.
    const corrected = await runWeeklyAt(root, '2026-07-06T09:00:00Z', env, [
      '--week-start',
      '2026-06-22',
      '--force-send',
    ]);
    expect(corrected.summary).toMatchObject({
      status: 'ok',
      delivered: true,
      week_start: '2026-06-22',
      webhook_id: 'obs-weekly:2026-06-22:r2',
      revision: 2,
      runs_included: 7,
    });
    expect(server.requests[3]?.headers['webhook-id']).toBe('obs-weekly:2026-06-22:r2');
    expect(await readFile(join(root, HISTORY, '2026-06-22.json'))).toEqual(server.requests[1]?.body);
    expect(await readFile(join(root, HISTORY, '2026-06-22.r2.json'))).toEqual(server.requests[3]?.body);
    const manifest = await readJsonLines(root, `${HISTORY}/manifest.jsonl`);
    expect(manifest.map((line) => [line.week_start, line.revision, line.supersedes])).toEqual([
      ['2026-06-15', 1, null],
      ['2026-06-22', 1, null],
      ['2026-06-29', 1, null],
      ['2026-06-22', 2, `${HISTORY}/2026-06-22.json`],
    ]);
  });

  it('a deployment down from Friday to Tuesday delivers the missed week once, at its first run on Tuesday', async () => {
    const inputs = await establishedDeployment('2026-06-15', '2026-06-20');
    const down = (at: Date) =>
      at >= new Date('2026-06-26T12:00:00Z') && at < new Date('2026-06-30T09:00:00Z');
    // Up from Friday midnight until it goes down at noon.
    const runs = await simulate({
      root,
      inputs,
      env,
      from: '2026-06-26T00:00:00Z',
      to: '2026-07-01T00:00:00Z',
      down,
    });
    expect(delivered(runs).map((run) => [run.now, run.summary.week_start])).toEqual([
      ['2026-06-30T09:00:00.000Z', '2026-06-22'],
    ]);
    expect(server.requests).toHaveLength(2);
    // Delivered late, the report covers the whole week, Sunday's run included.
    expect(payloads()[1]?.runs).toHaveLength(7);
    expect(runs.find((run) => run.now === '2026-06-26T11:45:00.000Z')?.summary).toMatchObject({
      reason: 'not_due',
      next_due_at: '2026-06-27T23:30:00.000Z',
    });
    expect(runs.at(-1)?.summary).toMatchObject({
      reason: 'not_due',
      last_delivered_week_start: '2026-06-22',
      next_due_at: '2026-07-04T23:30:00.000Z',
    });
  });

  it('catches up weeks missed entirely, oldest first, each once with its own record, at most catch_up_weeks back', async () => {
    const inputs = await establishedDeployment('2026-06-01', '2026-06-06');
    // Down from Monday 2026-06-08 over four send times; the first run after is on 2026-07-07.
    const runs = await simulate({
      root,
      inputs,
      env,
      from: '2026-07-07T10:00:00Z',
      to: '2026-07-07T12:00:00Z',
    });
    expect(delivered(runs).map((run) => [run.now, run.summary.week_start])).toEqual([
      ['2026-07-07T10:00:00.000Z', '2026-06-29'],
    ]);
    const catchUp = delivered(runs)[0]?.summary.catch_up as JsonDocument[];
    expect(catchUp.map((week) => [week.week_start, week.delivered, week.webhook_id])).toEqual([
      ['2026-06-15', true, 'obs-weekly:2026-06-15'],
      ['2026-06-22', true, 'obs-weekly:2026-06-22'],
    ]);
    expect(payloads().map((payload) => payload.week_start)).toEqual([
      '2026-06-01',
      '2026-06-15',
      '2026-06-22',
      '2026-06-29',
    ]);
    const manifest = await readJsonLines(root, `${HISTORY}/manifest.jsonl`);
    expect(manifest.map((line) => [line.week_start, line.job_id])).toEqual([
      ['2026-06-01', '20260606T233000Z-weekly'],
      ['2026-06-15', '20260707T100000Z-weekly'],
      ['2026-06-22', '20260707T100000Z-weekly'],
      ['2026-06-29', '20260707T100000Z-weekly'],
    ]);
    expect(runs.slice(1).every((run) => run.summary.reason === 'not_due')).toBe(true);
  });

  it('crosses the turn of the year: the week starting 2026-12-28 is delivered on Saturday 2027-01-02 at 23:30', async () => {
    const inputs = await establishedDeployment('2026-12-21', '2026-12-26');
    const runs = await simulate({
      root,
      inputs,
      env,
      from: '2027-01-01T00:00:00Z',
      to: '2027-01-04T06:00:00Z',
    });
    expect(delivered(runs).map((run) => [run.now, run.summary.week_start])).toEqual([
      ['2027-01-02T23:30:00.000Z', '2026-12-28'],
    ]);
    expect(payloads()[1]).toMatchObject({
      generated_at: '2027-01-02T23:30:00.000Z',
      week_start: '2026-12-28',
      week_end: '2027-01-03',
    });
    expect(payloads()[1]?.runs.map((run: JsonDocument) => run.timestamp.slice(0, 10))).toEqual([
      '2027-01-02',
      '2027-01-01',
      '2026-12-31',
      '2026-12-30',
      '2026-12-29',
      '2026-12-28',
    ]);
    expect(runs.at(-1)?.summary).toMatchObject({
      next_due_at: '2027-01-09T23:30:00.000Z',
      next_due_week_start: '2027-01-04',
      last_delivered_week_start: '2026-12-28',
    });
  });
});
