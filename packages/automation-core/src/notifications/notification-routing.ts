import type { EffectiveNotificationConfig, RouteConfig } from './notification-config.js';
import { type EventName, type Severity, severityRank } from './notification-events.js';

export interface RoutedItem {
  job: string;
  event: EventName;
  severity: Severity;
}

function matches(route: RouteConfig, item: RoutedItem): boolean {
  const { match } = route;
  return (
    (match.job === undefined || match.job.includes(item.job)) &&
    (match.event === undefined || match.event.includes(item.event)) &&
    severityRank(item.severity) >= severityRank(match.min_severity)
  );
}

/**
 * The receivers a notification goes to, as Alertmanager routes: routes are tried in order, the
 * first match wins unless it says `continue`; when none matches, the default route's receivers.
 * An empty list means nobody would be told (`no_receiver`).
 */
export function routeNotification(config: EffectiveNotificationConfig, item: RoutedItem): string[] {
  const receivers: string[] = [];
  let matched = false;
  for (const route of config.routes) {
    if (!matches(route, item)) continue;
    matched = true;
    for (const name of route.receivers) if (!receivers.includes(name)) receivers.push(name);
    if (!route.continue) break;
  }
  if (!matched && config.config.default_route) return [...config.config.default_route.receivers];
  return receivers;
}
