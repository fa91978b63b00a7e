import { removedFlag, renamedFlag, WORKSPACE_LAYOUT } from '@obs-automation/core';

/** Flags of the earlier scripts/summarize_runs.py --weekly-payload that obs-weekly maps (docs/migration.md). */
export const WEEKLY_EARLIER_FLAGS = [
  renamedFlag('--out-json', '--json-out'),
  renamedFlag('--runs-dir', '--runs-root'),
  renamedFlag('--webhook-timeout', '--timeout-seconds'),
  removedFlag(
    '--webhook-url',
    'a webhook URL is a secret and never goes on a command line: put it in the environment variable --webhook-url-env names (default OBS_WEEKLY_WEBHOOK_URL)',
  ),
  removedFlag('--include', `list the sections under include: in ${WORKSPACE_LAYOUT.weeklyConfig}`),
  removedFlag(
    '--fail-on-webhook-error',
    `a failed delivery already fails the run (destinations.fail_on_error in ${WORKSPACE_LAYOUT.weeklyConfig}, default true): drop the flag`,
  ),
  removedFlag(
    '--payload-type',
    'obs-weekly builds the weekly observability payload only; the earlier summary payload types are gone',
  ),
];
