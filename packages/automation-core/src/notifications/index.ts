// The notification modules that parse with zod (config, state, the step that reads and writes
// them) are exported as types only: the harness loads them with import() when a run notifies,
// so that `--help` and obs-status never evaluate zod. The state's readers are
// `@obs-automation/core/notification-state`.
export type * from './notification-config.js';
export type { DeliveryReport } from './notification-delivery.js';
export * from './notification-dump.js';
export * from './notification-events.js';
export * from './notification-payloads.js';
export type * from './notification-result.js';
export * from './notification-routing.js';
export type * from './notification-state.js';
export type * from './notification-step.js';
export { conditionItem, transitionAlerts } from './notification-transitions.js';
export { PAGERDUTY_EVENTS_URL } from './receiver-delivery.js';
export type * from './run-notifications.js';
