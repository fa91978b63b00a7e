import { describe, expect, it } from 'vitest';
import { ageLeftLocks } from '../../scripts/soak/left-locks.mjs';
import {
  type HookWorkspace,
  inHookWorkspace,
  ONE_RECEIVER,
  readJson,
  receivedAlerts,
  runJob,
  writeNotificationsConfig,
} from './support/notification-workspace.js';

const BREACH = 'latency:latency_breach:slo_breach';
const STALE = ['--lock-stale-seconds', '1'];
const STATE = 'ops/notifications/latency.json';

/** Where a kill lands, and how often the receiver has the firing once the next run is done. */
const POINTS = [
  { point: 'notify:after-state-queue', deliveries: 1 },
  { point: 'notify:after-send', deliveries: 2 },
  { point: 'notify:after-delivery-record', deliveries: 1 },
] as const;

/**
 * A workspace and receiver of the test's own, with one receiver configured: the tests run at once
 * (describe.concurrent), since most of each one is the wait for its killed run's locks to go stale.
 */
function withReceiver(test: (workspace: HookWorkspace) => Promise<void>): Promise<void> {
  return inHookWorkspace('obs-notify-crash-', async (workspace) => {
    await writeNotificationsConfig(workspace.root, ONE_RECEIVER);
    await test(workspace);
  });
}

describe.concurrent('SIGKILL at each notification fault point', () => {
  for (const { point, deliveries } of POINTS) {
    it(`${point}: the alert is recorded, and the next run leaves it delivered ${deliveries === 1 ? 'once' : 'with at most one duplicate'}`, () =>
      withReceiver(async ({ root, hook, env }) => {
        const killed = await runJob('latency', root, STALE, 0, { ...env, OBS_FAULT_POINT: point });
        expect(killed.signal).toBe('SIGKILL');
        // the state change survived the kill: the alert is firing, its notification queued or delivered
        const state = await readJson(root, STATE);
        expect(state.alerts).toMatchObject([
          { key: BREACH, status: 'firing', since: '2025-10-06T12:00:00.000Z' },
        ]);

        await ageLeftLocks(root);
        const next = await runJob('latency', root, STALE, 15, env);
        expect(next.exitCode).toBe(0);
        expect(next.json()).toMatchObject({ pending_alerts: 0 });
        expect(receivedAlerts(hook.requests)).toEqual(
          Array.from({ length: deliveries }, () => [`${BREACH}:firing`]),
        );
        // a duplicate is the same message: receivers drop it by webhook-id
        expect(new Set(hook.requests.map((request) => request.headers['webhook-id'])).size).toBe(1);
        expect((await readJson(root, STATE)).alerts).toMatchObject([
          { key: BREACH, status: 'firing', since: '2025-10-06T12:00:00.000Z', queue: [] },
        ]);

        await runJob('latency', root, [], 30, env);
        expect(hook.requests).toHaveLength(deliveries);
      }));
  }

  for (const { point, deliveries } of POINTS) {
    it(`${point}: a resolved survives the kill and reaches the receiver ${deliveries === 1 ? 'once' : 'at most twice'}`, () =>
      withReceiver(async ({ root, hook, env }) => {
        await runJob('latency', root, STALE, 0, env);
        expect(receivedAlerts(hook.requests)).toEqual([[`${BREACH}:firing`]]);
        // an hour later the breach has cleared
        const killed = await runJob('latency', root, STALE, 60, { ...env, OBS_FAULT_POINT: point });
        expect(killed.signal).toBe('SIGKILL');
        expect((await readJson(root, STATE)).alerts).toMatchObject([
          { key: BREACH, status: 'resolved', resolved_at: '2025-10-06T13:00:00.000Z' },
        ]);
        await ageLeftLocks(root);
        await runJob('latency', root, STALE, 75, env);
        expect(receivedAlerts(hook.requests.slice(1))).toEqual(
          Array.from({ length: deliveries }, () => [`${BREACH}:resolved`]),
        );
        expect((await readJson(root, STATE)).alerts).toEqual([]);
      }));
  }
});
