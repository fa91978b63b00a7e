// After the soak: the invariants of issue 18, each checked against the soak's own model (what
// it fed, what it planned, what its receivers recorded), never against the jobs' word alone.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { lockFolders } from './left-locks.mjs';
import { slotOf } from './soak-notification-queues.mjs';
import { SEGMENT_RETENTION_DAYS, STEPS_PER_DAY } from './soak-plan.mjs';
import { exitViolation } from './soak-processes.mjs';
import { filesUnder } from './soak-workspace.mjs';

const HOUR_MS = 3_600_000;
const SLO_P95_MS = 5000;
const FAILURE_RATE_THRESHOLD = 0.01;
const SUCCESS = new Set(['success', 'ok', 'stable']);

const sampleKey = (timestamp, source, latency, status) =>
  `${Date.parse(timestamp.endsWith('Z') ? timestamp : `${timestamp}Z`)}|${source}|${Number(latency)}|${status}`;

function csvRows(text) {
  const lines = text.split('\n').filter((line) => line !== '');
  const header = (lines.shift() ?? '').split(',');
  const at = (name) => header.indexOf(name);
  return lines
    .filter((line) => !line.startsWith('timestamp_utc,'))
    .map((line) => {
      const cells = line.split(',');
      return {
        timestamp: cells[at('timestamp_utc')],
        source: cells[at('source')],
        latency: cells[at('latency_ms')],
        status: cells[at('status')],
      };
    });
}

/** Every sample the model holds: the generated raw file plus what the feeder's records accepted. */
function modelSamples(result) {
  const initial = csvRows(result.initialRaw).map((row) => ({
    key: sampleKey(row.timestamp, row.source, row.latency, row.status),
    ms: Date.parse(row.timestamp),
    latency: Number(row.latency),
    failed: !SUCCESS.has(row.status),
  }));
  const fed = result.feeder.recorded.map((sample) => ({
    key: sampleKey(sample.timestamp, sample.source, sample.latency_ms, sample.status),
    ms: Date.parse(sample.timestamp),
    latency: sample.latency_ms,
    failed: !SUCCESS.has(sample.status),
  }));
  return [...initial, ...fed];
}

const tally = (keys) => {
  const counts = new Map();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
};

async function samplesOnDisk(root) {
  const keys = [];
  const raw = await readFile(join(root, 'ops/signal_latency.csv'), 'utf8').catch(() => '');
  for (const row of csvRows(raw)) keys.push(sampleKey(row.timestamp, row.source, row.latency, row.status));
  const archives = (await filesUnder(root, 'ops/signal_latency_archive')).filter((file) =>
    file.path.endsWith('.csv.gz'),
  );
  for (const archive of archives) {
    const text = gunzipSync(await readFile(join(root, archive.path))).toString('utf8');
    for (const row of csvRows(text)) keys.push(sampleKey(row.timestamp, row.source, row.latency, row.status));
  }
  return { keys, archives: archives.length };
}

const round3 = (value) => Math.round(value * 1000) / 1000;

function percentile(sorted, p) {
  const position = (sorted.length - 1) * p;
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, sorted.length - 1);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
}

/** Hourly windows recomputed from scratch from the model's samples, with breach streaks. */
function recomputeRollups(samples) {
  const windows = new Map();
  for (const sample of samples) {
    const start = Math.floor(sample.ms / HOUR_MS) * HOUR_MS;
    const window = windows.get(start) ?? { start, latencies: [], failures: 0 };
    window.latencies.push(sample.latency);
    if (sample.failed) window.failures += 1;
    windows.set(start, window);
  }
  const rows = [...windows.values()].sort((a, b) => a.start - b.start);
  let streak = 0;
  let previousEnd = Number.NaN;
  for (const row of rows) {
    const sorted = row.latencies.sort((a, b) => a - b);
    row.count = sorted.length;
    row.p95 = round3(percentile(sorted, 0.95));
    row.max = round3(sorted.at(-1));
    row.failureRate = row.failures / row.count;
    row.breach = row.p95 > SLO_P95_MS || row.failureRate > FAILURE_RATE_THRESHOLD;
    streak = row.breach ? (row.start === previousEnd ? streak + 1 : 1) : 0;
    row.streak = streak;
    previousEnd = row.start + HOUR_MS;
  }
  return new Map(rows.map((row) => [row.start, row]));
}

/** Accepted (2xx) notifications at the webhook receiver: transition id → times accepted. */
function acceptedTransitions(notify) {
  const accepted = new Map();
  const firings = [];
  const resolved = new Set();
  /** every accepted alert item, firing or resolved */
  const items = [];
  /** step → the `{id, slot}` of each notification accepted in it */
  const acceptedBySteps = new Map();
  for (const request of notify.requests) {
    if (typeof request.status !== 'number' || request.status >= 300) continue;
    let body;
    try {
      body = JSON.parse(request.body.toString('utf8'));
    } catch {
      continue;
    }
    for (const alert of body.alerts ?? []) {
      const id = `${alert.job_id}:${alert.dedup_key}:${alert.status}`;
      accepted.set(id, (accepted.get(id) ?? 0) + 1);
      if (!acceptedBySteps.has(request.step)) acceptedBySteps.set(request.step, []);
      acceptedBySteps.get(request.step).push({ id, slot: slotOf(alert) });
      items.push(alert);
      if (alert.status === 'firing') firings.push(alert);
      else resolved.add(`${alert.dedup_key}|${alert.since}`);
    }
  }
  return { accepted, acceptedBySteps, firings, resolved, items };
}

/**
 * The firings the receiver accepted and never saw resolved. A resolved notification that waited
 * while the alert fired again and cleared again was replaced by the newer resolved (the
 * product's rule: at most one firing and one resolved wait per alert); the receiver then got the
 * newer firing and its resolved, which close the alert's dedup key. So an accepted firing counts
 * as resolved when its own resolved was accepted, or was queued and superseded.
 * `notify`: acceptedTransitions' answer; `queues`: the NotificationQueueModel.
 */
export function unresolvedFirings(notify, queues, acceptedInStep) {
  const supersededResolutions = new Set();
  for (const [id, item] of queues.queued) {
    if (item.status === 'resolved' && queues.superseded(id, acceptedInStep))
      supersededResolutions.add(`${item.dedup_key}|${item.since}`);
  }
  return notify.firings.filter((alert) => {
    const episode = `${alert.dedup_key}|${alert.since}`;
    return !notify.resolved.has(episode) && !supersededResolutions.has(episode);
  });
}

/**
 * The breach episodes fed (those ending three hours or more before the soak ends) that no
 * accepted latency_breach notification tells of. An episode can continue a breach that was
 * already firing (the sample workspace may end in one): no new firing goes out then, and the
 * alert's resolved notification carries its whole range. So the ranges of firing and resolved
 * items both count, for alerts whose firing was accepted.
 */
export function untoldBreachEpisodes(episodes, acceptedItems, endMs) {
  const breachItems = acceptedItems.filter((item) => item.id === 'latency_breach' && item.breach_range);
  const alertOf = (item) => `${item.dedup_key}|${item.since}`;
  const fired = new Set(breachItems.filter((item) => item.status === 'firing').map(alertOf));
  const ranges = breachItems
    .filter((item) => fired.has(alertOf(item)))
    .map((item) => [Date.parse(item.breach_range.start), Date.parse(item.breach_range.end)]);
  return episodes.filter(
    (episode) =>
      episode.untilMs <= endMs - 3 * HOUR_MS &&
      !ranges.some(([start, end]) => start < episode.untilMs && end > episode.fromMs),
  );
}

/** Checks every invariant; returns [{name, violations: [..]}] in the report's order. */
export async function checkInvariants(result) {
  const { root, context, observed, receivers } = result;
  const checks = [];
  const check = (name, violations) => checks.push({ name, violations });

  check(
    'every process exited 0/1/2 with one JSON document on stdout and no stack trace',
    context.exits
      .map((record) => {
        const why = exitViolation(record);
        if (why) return `step ${record.step} ${record.label} ${record.args.join(' ')}: ${why}`;
        if (record.code === 2)
          return `step ${record.step} ${record.label}: exit 2 (usage) from a command the soak wrote`;
        return null;
      })
      .filter(Boolean),
  );

  const model = modelSamples(result);
  const disk = await samplesOnDisk(root);
  const expected = tally(model.map((sample) => sample.key));
  const found = tally(disk.keys);
  const sampleViolations = [];
  for (const [key, times] of expected) {
    const seen = found.get(key) ?? 0;
    if (seen !== times)
      sampleViolations.push(`sample ${key}: recorded ${times}×, found ${seen}× in raw + archives`);
  }
  for (const [key, times] of found) {
    if (!expected.has(key)) sampleViolations.push(`sample ${key}: found ${times}× but never recorded`);
  }
  check(
    `every recorded sample (${model.length}) is in the raw file or one archive (${disk.archives} archives), exactly once`,
    sampleViolations.slice(0, 20),
  );

  const recomputed = recomputeRollups(model);
  const rollupText = await readFile(join(root, 'ops/signal_latency_rollup.csv'), 'utf8').catch(() => '');
  const rollupLines = rollupText.split('\n').filter((line) => line !== '');
  const header = (rollupLines.shift() ?? '').split(',');
  const column = (cells, name) => cells[header.indexOf(name)];
  const rollupViolations = [];
  let firstRollupMs = Number.POSITIVE_INFINITY;
  const rolled = new Set();
  for (const line of rollupLines) {
    const cells = line.split(',');
    const start = Date.parse(column(cells, 'hour_utc'));
    firstRollupMs = Math.min(firstRollupMs, start);
    rolled.add(start);
    const want = recomputed.get(start);
    const got = {
      count: Number(column(cells, 'count')),
      p95: Number(column(cells, 'p95_ms')),
      max: Number(column(cells, 'max_ms')),
      breach: column(cells, 'breach_flag') === 'true',
      streak: Number(column(cells, 'breach_streak')),
    };
    if (!want) {
      rollupViolations.push(`rollup ${column(cells, 'hour_utc')}: no recorded sample falls in it`);
      continue;
    }
    const mismatched = ['count', 'p95', 'max', 'breach', 'streak'].filter((field) =>
      typeof got[field] === 'number'
        ? Math.abs(got[field] - want[field]) > 0.0015
        : got[field] !== want[field],
    );
    if (mismatched.length > 0) {
      rollupViolations.push(
        `rollup ${column(cells, 'hour_utc')}: ${mismatched.map((field) => `${field} ${got[field]} ≠ ${want[field]}`).join(', ')}`,
      );
    }
  }
  for (const start of recomputed.keys()) {
    if (start >= firstRollupMs && !rolled.has(start))
      rollupViolations.push(`no rollup for ${new Date(start).toISOString()}`);
  }
  check(
    `rollups and breach streaks equal a recomputation from the recorded samples (${rollupLines.length} windows)`,
    rollupViolations.slice(0, 20),
  );

  const notify = acceptedTransitions(receivers.notify);
  const transitionViolations = [];
  const acceptedInStep = (step) => notify.acceptedBySteps.get(step) ?? [];
  for (const [id, item] of observed.queues.queued) {
    const times = notify.accepted.get(id) ?? 0;
    // A notification still waiting is replaced by a newer one of the same alert and status (its
    // severity rose, or the alert fired again): the receiver gets the newer. alert_delivery_failing
    // goes only to receivers that are not failing: possibly e-mail alone.
    const superseded = observed.queues.superseded(id, acceptedInStep);
    if (times === 0 && !superseded && item.id !== 'alert_delivery_failing')
      transitionViolations.push(`${id}: queued, never accepted by the webhook`);
    if (times > 2) transitionViolations.push(`${id}: accepted ${times}×`);
  }
  for (const [id, times] of notify.accepted)
    if (times > 2) transitionViolations.push(`${id}: accepted ${times}×`);
  for (const alert of unresolvedFirings(notify, observed.queues, acceptedInStep))
    transitionViolations.push(
      `${alert.dedup_key} firing since ${alert.since}: never resolved at the receiver`,
    );
  const mails = tally(
    receivers.smtp.requests.filter((mail) => mail.status === 250).map((mail) => mail.messageId),
  );
  for (const [id, times] of mails)
    if (times > 2) transitionViolations.push(`e-mail ${id}: accepted ${times}×`);
  for (const episode of untoldBreachEpisodes(result.feeder.episodes, notify.items, result.endMs))
    transitionViolations.push(
      `the breach fed from ${new Date(episode.fromMs).toISOString()} to ${new Date(episode.untilMs).toISOString()} never reached the receiver`,
    );
  check(
    `every alert transition reached the receivers at least once and at most twice (${notify.accepted.size} transitions, ${result.feeder.episodes.length} breach episodes fed)`,
    transitionViolations.slice(0, 20),
  );

  const weeklyViolations = [];
  const weeklyAccepted = new Map();
  for (const request of receivers.weekly.requests) {
    if (!request.signatures.obsSignature || !request.signatures.standardSignature)
      weeklyViolations.push(
        `step ${request.step}: weekly request ${request.webhookId} with an invalid signature`,
      );
    if (typeof request.status === 'number' && request.status < 300)
      weeklyAccepted.set(request.webhookId, (weeklyAccepted.get(request.webhookId) ?? 0) + 1);
  }
  for (const request of receivers.notify.requests) {
    if (!request.signatures.obsSignature || !request.signatures.standardSignature)
      weeklyViolations.push(
        `step ${request.step}: notification ${request.webhookId} with an invalid signature`,
      );
  }
  for (const [id, times] of weeklyAccepted) if (times > 2) weeklyViolations.push(`${id} accepted ${times}×`);
  const firstSend =
    result.sendTimeOfWeek(result.startMs) > result.startMs
      ? result.sendTimeOfWeek(result.startMs) - 7 * 86_400_000
      : result.sendTimeOfWeek(result.startMs);
  const dueWeeks = [];
  for (let send = firstSend; send <= result.endMs; send += 7 * 86_400_000) {
    const monday = new Date(send - (5 * 86_400_000 + 23.5 * HOUR_MS)).toISOString().slice(0, 10);
    dueWeeks.push(monday);
    if (!weeklyAccepted.has(`obs-weekly:${monday}`))
      weeklyViolations.push(`the week of ${monday} was never delivered`);
  }
  check(
    `each week's report delivered once (per webhook-id, a resend after a crash at most once more), signatures valid (weeks ${dueWeeks.join(', ')})`,
    weeklyViolations.slice(0, 20),
  );

  check(
    `nothing delivered during dry runs (${observed.dryRuns.length} dry-run chains)`,
    observed.dryRuns
      .filter((run) => run.received.length > 0)
      .map(
        (run) =>
          `step ${run.step} ${run.jobId}: ${run.received.map(([name, added]) => `${added} to ${name}`).join(', ')}`,
      ),
  );

  const log =
    (await sealedSegmentTexts(root)).join('') +
    (await readFile(join(root, 'ops/automation_runs.log'), 'utf8'));
  const entries = log
    .split('\n')
    .filter((line) => line !== '')
    .map((line, index) => {
      try {
        return JSON.parse(line);
      } catch {
        return { corrupt: index + 1 };
      }
    });
  const logViolations = entries
    .filter((entry) => entry.corrupt)
    .map((entry) => `line ${entry.corrupt} is not JSON`);
  // a sequence_gap warning (logged without a number of its own) accounts for the jump after it
  let previous = null;
  let gapRecorded = false;
  for (const entry of entries) {
    if (entry.corrupt) continue;
    if (entry.diagnostics?.error_code === 'sequence_gap') gapRecorded = true;
    if (typeof entry.sequence !== 'number') {
      if (entry.diagnostics?.error_code !== 'sequence_gap')
        logViolations.push(`${entry.job_id}: no sequence`);
      continue;
    }
    if (previous !== null && entry.sequence !== previous + 1 && !gapRecorded)
      logViolations.push(
        `sequence ${previous} then ${entry.sequence} (${entry.job_id}) without a sequence_gap warning`,
      );
    previous = entry.sequence;
    gapRecorded = false;
  }
  check(
    `run-log sequence gap-free except recorded sequence_gap warnings (${entries.length} entries)`,
    logViolations.slice(0, 20),
  );

  const dashboardViolations = [];
  for (let index = 1; index < observed.dashboard.length; index += 1) {
    const before = observed.dashboard[index - 1];
    const after = observed.dashboard[index];
    if (after.jobId !== before.jobId && !(after.sequence > before.sequence))
      dashboardViolations.push(
        `step ${after.step}: bundle ${after.jobId} sequence ${after.sequence} after ${before.sequence}`,
      );
    if (after.sequence < before.sequence)
      dashboardViolations.push(`step ${after.step}: sequence went back to ${after.sequence}`);
  }
  check(
    `dashboard manifest sequences strictly increase (${observed.dashboard.length} observations)`,
    dashboardViolations,
  );

  const final = result.finalVerify;
  check(
    'obs-verify passes at the end (heartbeats fresh, notifications delivered, weekly not overdue)',
    final.code === 0
      ? []
      : [
          `exit ${final.code}: ${
            (final.summary?.checks ?? [])
              .filter((c) => c.status !== 'ok' && c.ok !== true)
              .map((c) => JSON.stringify(c).slice(0, 300))
              .join('; ') || final.stderr.slice(0, 500)
          }`,
        ],
  );

  const kpi = result.finalKpi;
  const figures = (record) => {
    if (!record.summary) return null;
    const { job_id: _id, duration_ms: _ms, log, ...rest } = record.summary;
    const { segments_from_digest: _taken, digest_problems: _problems, ...counts } = log ?? {};
    return JSON.stringify({ ...rest, log: counts });
  };
  check(
    `obs-verify kpi gives the same figures from the segments' KPI digests (${kpi.fromDigests.summary?.log?.segments_from_digest ?? 0} of ${kpi.digests}) as reading them line by line`,
    [
      kpi.fromDigests.code !== 0 &&
        `kpi exit ${kpi.fromDigests.code}: ${kpi.fromDigests.stderr.slice(0, 300)}`,
      (kpi.fromDigests.summary?.log?.digest_problems ?? []).length > 0 &&
        `digests not used: ${kpi.fromDigests.summary.log.digest_problems.join('; ').slice(0, 300)}`,
      kpi.digests > 0 &&
        !(kpi.fromDigests.summary?.log?.segments_from_digest > 0) &&
        'no segment was taken from its digest',
      figures(kpi.fromDigests) !== figures(kpi.lineByLine) &&
        `the figures differ: ${figures(kpi.fromDigests)?.slice(0, 400)} against ${figures(kpi.lineByLine)?.slice(0, 400)}`,
    ].filter(Boolean),
  );

  const leftovers = (await filesUnder(root, '.'))
    .map((file) => file.path.replace(/^\.\//, ''))
    .filter((path) => /\.tmp(-|$)|\.tmp\.|~$/.test(path));
  const locks = await lockFolders(root);
  check('no temporary files or held locks left behind', [
    ...leftovers.map((path) => `temporary file ${path}`),
    ...locks.map((path) => `lock ${path}`),
  ]);

  const storage = await retainedStorage(root);
  const days = result.days + 1;
  check(
    `storage within its retention (${storage.historyBundles} history bundles, ${storage.archiveFiles} archive files, ${storage.segments} sealed segments)`,
    [
      // history expires after a simulated day (the soak's config): a day of copies at most
      storage.historyBundles > STEPS_PER_DAY + 2 &&
        `${storage.historyBundles} bundles in the dashboard history, more than a day's runs`,
      storage.archiveFiles > 2 * days && `${storage.archiveFiles} latency archive files for ${days} days`,
      // a segment goes once its last entry is over two days old at a nightly run: the nights
      // since then and the one that seals it keep four at most
      storage.segments > SEGMENT_RETENTION_DAYS + 2 &&
        `${storage.segments} sealed run-log segments kept (retention ${SEGMENT_RETENTION_DAYS} days)`,
    ].filter(Boolean),
  );
  return checks;
}

/** What the retention rules bound: history bundle folders, latency archive files, sealed segments. */
async function retainedStorage(root) {
  const historyEntries = await readdir(join(root, 'ops/dashboard_export_history'), {
    withFileTypes: true,
  }).catch(() => []);
  const archives = (await filesUnder(root, 'ops/signal_latency_archive')).filter((file) =>
    file.path.endsWith('.csv.gz'),
  );
  return {
    historyBundles: historyEntries.filter((entry) => entry.isDirectory() && entry.name !== 'references')
      .length,
    archiveFiles: archives.length,
    segments: (await liveSegments(root)).length,
  };
}

/** The sealed run-log segments retention has not deleted, oldest first, as the manifest lists them. */
async function liveSegments(root) {
  const manifest = await readFile(join(root, 'ops/automation_runs/manifest.jsonl'), 'utf8').catch(() => '');
  const live = new Map();
  for (const line of manifest.split('\n').filter((text) => text !== '')) {
    const record = JSON.parse(line);
    if (record.event === 'sealed') live.set(record.file, record);
    if (record.event === 'deleted') live.delete(record.file);
  }
  return [...live.values()];
}

/** The lines of the kept sealed segments (the nightly verification seals), oldest first. */
async function sealedSegmentTexts(root) {
  return Promise.all(
    (await liveSegments(root)).map(async (record) =>
      gunzipSync(await readFile(join(root, 'ops/automation_runs', record.file))).toString('utf8'),
    ),
  );
}
