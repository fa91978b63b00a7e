import { LATENCY } from '../support/jobs-under-test.js';
import { describeHostile, type HostileCase } from './support/hostile-runner.js';
import { plantFile } from './support/plant.js';

/**
 * Class 10 of the trust rules: a bad workspace or environment gets its own code, never
 * `internal_error` with a stack. A latency webhook whose URL variable holds no usable URL is a
 * configuration error (`invalid_config`, exit 2) naming the variable, found before the run
 * changes anything.
 */

const ALERT_CONFIG = 'configs/observability/latency_alert.yaml';
const WEBHOOKS = 'webhooks:\n  - name: on-call\n    url_env: OBS_LATENCY_ONCALL_URL\n    format: slack\n';

function badUrl(name: string, url: string): HostileCase {
  return {
    name: `latency: webhook URL variable holding ${name}`,
    job: LATENCY,
    args: [],
    env: { OBS_LATENCY_ONCALL_URL: url },
    plant: (sandbox) => plantFile(sandbox.root, ALERT_CONFIG, WEBHOOKS),
    exit: 2,
    status: 'error',
    errorCode: 'invalid_config',
    mentions: ['OBS_LATENCY_ONCALL_URL', 'on-call'],
    check: ({ result, expect }) => expect(result.stdout).not.toContain(url),
  };
}

describeHostile('hostile workspace, class 10: error codes for a bad workspace or environment', [
  badUrl('no URL', 'not a url at all'),
  badUrl('an ftp URL', 'ftp://hooks.example/latency'),
  badUrl('a file URL', 'file:///etc/passwd'),
]);
