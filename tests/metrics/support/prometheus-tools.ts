import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { parseTextfile } from '../../../packages/automation-core/src/metrics/textfile-format.js';
import { type CliResult, runProcess } from '../../support/cli-process.js';

/** The executable `name` on PATH, or null: the Debian packages `prometheus` and `prometheus-node-exporter`. */
function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return null;
}

export const PROMTOOL = onPath('promtool');
export const NODE_EXPORTER = onPath('prometheus-node-exporter') ?? onPath('node_exporter');

/** Runs a tool to its end, with `input` on stdin. */
export function runTool(tool: string, args: readonly string[], input = ''): Promise<CliResult> {
  return runProcess(tool, args, { input, env: process.env });
}

/** `promtool check metrics` on metrics text (it reads stdin): exit 0 and no complaint, or what it said. */
export function promtoolCheckMetrics(text: string): Promise<CliResult> {
  return runTool(PROMTOOL as string, ['check', 'metrics'], text);
}

/** The `.prom` files of a metrics folder, sorted. */
export function metricsFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.prom'))
    .sort()
    .map((name) => join(dir, name));
}

/** A metrics file as `name{label="…",…}` (labels sorted, `job` included) → value. */
export function metricValues(file: string): Record<string, number> {
  return seriesValues(readFileSync(file, 'utf8'));
}

/** Metrics text as `name{label="…",…}` (labels sorted; `name` alone without labels) → value. */
export function seriesValues(text: string): Record<string, number> {
  return Object.fromEntries(
    parseTextfile(text).map((series) => {
      const labels = Object.keys(series.labels)
        .sort()
        .map((name) => `${name}="${series.labels[name]}"`)
        .join(',');
      return [labels === '' ? series.name : `${series.name}{${labels}}`, series.value];
    }),
  );
}
