// The soak's report: runs, faults injected by kind, deliveries, invariants, storage, wall time.
import { UNARMED_POINTS_REASON } from './soak-plan.mjs';
import { median } from './soak-run.mjs';

const seconds = (ms) => (ms === null || ms === undefined ? '–' : `${(ms / 1000).toFixed(2)} s`);
const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;

export function formatReport(result, checks, options) {
  const { context, observed, receivers } = result;
  const wallByLabel = {};
  for (const record of context.exits) {
    if (!wallByLabel[record.label]) wallByLabel[record.label] = [];
    wallByLabel[record.label].push(record.wallMs);
  }
  const runsByLabel = Object.fromEntries(
    Object.entries(wallByLabel).map(([label, walls]) => [label, walls.length]),
  );
  const processWall = Object.fromEntries(
    Object.entries(wallByLabel).map(([label, walls]) => [
      label,
      { median_ms: median(walls), total_ms: walls.reduce((sum, ms) => sum + ms, 0) },
    ]),
  );
  const deliveries = Object.fromEntries(
    Object.entries(receivers).map(([name, receiver]) => {
      const byStatus = {};
      for (const request of receiver.requests) byStatus[request.status] = (byStatus[request.status] ?? 0) + 1;
      return [name, { requests: receiver.requests.length, by_answer: byStatus }];
    }),
  );
  const violations = checks.reduce((total, entry) => total + entry.violations.length, 0);
  const document = {
    seed: result.seed,
    days: result.days,
    faults: result.faults,
    simulated: { from: new Date(result.startMs).toISOString(), until: new Date(result.endMs).toISOString() },
    wall_ms: result.wallMs,
    runs: runsByLabel,
    process_wall: processWall,
    samples_recorded: result.feeder.recorded.length,
    faults_injected: result.faultsInjected,
    fault_points_reached: [...observed.faultPointsReached].sort(),
    fault_points_not_reached: [
      ...new Set(result.plan.weeklyPoints.concat(result.plan.rebuildPoints, result.plan.nightlyPoints)),
    ]
      .concat(
        Object.keys(result.faultsInjected)
          .filter((kind) => kind.startsWith('fault point '))
          .map((kind) => kind.slice(12)),
      )
      .filter((point, index, all) => all.indexOf(point) === index && !observed.faultPointsReached.has(point))
      .sort(),
    fault_points_not_armed: { points: result.plan.unarmedPoints, reason: UNARMED_POINTS_REASON },
    skipped: result.skipped,
    deliveries,
    invariants: checks.map((entry) => ({
      name: entry.name,
      ok: entry.violations.length === 0,
      violations: entry.violations,
    })),
    violations,
    storage: observed.storage,
    notes: context.notes,
    replay: `pnpm soak --days ${result.days} --seed ${result.seed} --faults ${result.faults}`,
    workspace: options.keep ? result.root : null,
  };
  const lines = [];
  lines.push(
    `soak: ${result.days} day(s) simulated (${document.simulated.from} → ${document.simulated.until}), seed ${result.seed}, faults ${result.faults}`,
  );
  lines.push(`wall time: ${seconds(result.wallMs)}`);
  lines.push('', 'runs (median wall, total wall):');
  for (const [label, runs] of Object.entries(runsByLabel).sort()) {
    const { median_ms, total_ms } = processWall[label];
    lines.push(
      `  ${label.padEnd(28)} ${String(runs).padStart(5)}  ${seconds(median_ms).padStart(8)}  ${seconds(total_ms).padStart(9)}`,
    );
  }
  lines.push(`  samples recorded            ${document.samples_recorded}`);
  lines.push('', 'faults injected:');
  for (const [kind, times] of Object.entries(result.faultsInjected).sort())
    lines.push(`  ${kind.padEnd(52)} ${times}`);
  if (result.plan.unarmedPoints.length > 0)
    lines.push(
      `  fault points not armed: ${result.plan.unarmedPoints.join(', ')} (${UNARMED_POINTS_REASON})`,
    );
  if (document.fault_points_not_reached.length > 0)
    lines.push(`  fault points not reached: ${document.fault_points_not_reached.join(', ')}`);
  for (const skip of result.skipped) lines.push(`  SKIPPED ${skip}`);
  lines.push('', 'deliveries (requests by answer):');
  for (const [name, figures] of Object.entries(deliveries))
    lines.push(
      `  ${name.padEnd(8)} ${figures.requests} (${Object.entries(figures.by_answer)
        .map(([answer, n]) => `${answer}: ${n}`)
        .join(', ')})`,
    );
  lines.push('', 'invariants:');
  for (const entry of checks) {
    lines.push(`  ${entry.violations.length === 0 ? 'ok  ' : 'FAIL'} ${entry.name}`);
    for (const violation of entry.violations.slice(0, 10)) lines.push(`         ${violation}`);
    if (entry.violations.length > 10) lines.push(`         … ${entry.violations.length - 10} more`);
  }
  if (observed.storage.length > 0) {
    lines.push('', 'storage:');
    lines.push(
      '  | day | ops/ files | ops/ bytes | out/ files | out/ bytes | latency archive files | dashboard history | run log | chain (median of the day) | nightly verify |',
    );
    lines.push('  | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const row of observed.storage)
      lines.push(
        `  | ${row.day} | ${row.opsFiles} | ${kib(row.opsBytes)} | ${row.outFiles} | ${kib(row.outBytes)} | ${row.archiveFiles} | ${kib(row.historyBytes)} | ${kib(row.runLogBytes)} | ${seconds(row.chainMs)} | ${seconds(row.verifyMs)} |`,
      );
  }
  if (context.notes.length > 0) {
    lines.push('', 'notes:');
    for (const note of context.notes.slice(0, 20)) lines.push(`  ${note}`);
  }
  lines.push('');
  lines.push(
    violations === 0
      ? `all invariants hold (seed ${result.seed})`
      : `${violations} violation(s); replay with: ${document.replay}`,
  );
  if (options.keep) lines.push(`workspace kept: ${result.root}`);
  return { text: `${lines.join('\n')}\n`, document };
}
