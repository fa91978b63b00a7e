import type { EffectiveNotificationConfig, ReceiverConfig } from './notification-config.js';

/** An environment variable as a dump shows it: its name and whether it is set, never its value. */
function variable(name: string | undefined, env: NodeJS.ProcessEnv): Record<string, unknown> | null {
  if (name === undefined) return null;
  return { env: name, set: env[name] !== undefined && env[name] !== '' };
}

function receiverDump(
  receiver: ReceiverConfig,
  env: NodeJS.ProcessEnv,
  source: string,
): Record<string, unknown> {
  const base = { name: receiver.name, type: receiver.type, source };
  switch (receiver.type) {
    case 'generic':
      return {
        ...base,
        url_env: variable(receiver.url_env, env),
        secret_env: variable(receiver.secret_env, env),
      };
    case 'slack':
      return { ...base, url_env: variable(receiver.url_env, env) };
    case 'pagerduty':
      return {
        ...base,
        url_env: variable(receiver.url_env, env),
        secret_env: variable(receiver.secret_env, env),
      };
    case 'email': {
      const { smtp } = receiver;
      return {
        ...base,
        from: receiver.from,
        to: receiver.to,
        smtp: {
          host_env: variable(smtp.host_env, env),
          port_env: variable(smtp.port_env, env),
          username_env: variable(smtp.username_env, env),
          password_env: variable(smtp.password_env, env),
          tls: smtp.tls,
          timeout_seconds: smtp.timeout_seconds,
        },
      };
    }
  }
}

/**
 * The routing a job runs with, for `--config-dump`: every receiver with its variables' names and
 * whether each is set, the routes in order, the default route. Two environments diff cleanly,
 * and "nobody gets paged" shows as an empty receiver list or `set: false`.
 */
export function notificationDump(
  config: EffectiveNotificationConfig,
  env: NodeJS.ProcessEnv,
): Record<string, unknown> {
  const implicit = new Set(config.implicit?.receivers.map((receiver) => receiver.name) ?? []);
  return {
    config_path: config.path,
    config_exists: config.exists,
    repeat_interval: config.config.repeat_interval.text,
    skipped_runs_threshold: config.config.skipped_runs_threshold,
    state_dir: config.config.state_dir,
    delivery: config.config.delivery,
    receivers: config.receivers.map((receiver) =>
      receiverDump(
        receiver,
        env,
        implicit.has(receiver.name) ? (config.implicit?.source ?? '') : config.path,
      ),
    ),
    routes: config.routes,
    default_route: config.config.default_route ?? null,
  };
}
