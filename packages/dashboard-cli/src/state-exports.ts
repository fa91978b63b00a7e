import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { invalidInput, isJsonObject, missingInput, sha256Hex, unreadableInput } from '@obs-automation/core';
import { mapWithConcurrency, READ_CONCURRENCY } from './concurrency.js';
import { displayPath, parseJsonInput, readInputFile, requireInputDirectory } from './input-files.js';
import { stateExportTimestamp } from './state-export-timestamp.js';

export interface StateExportFilters {
  strategy?: string;
  symbol?: string;
  mode?: string;
}

/** One EV state export: `<state-archive-root>/<strategy>/<symbol>/<mode>/<file>.json` with an `ev_global` object. */
export interface StateExport {
  strategy: string;
  symbol: string;
  mode: string;
  /** as shown in datasets and manifests (root-relative when inside the workspace) */
  sourcePath: string;
  sha256: string;
  timestamp: Date;
  document: Record<string, unknown>;
  evGlobal: Record<string, unknown>;
}

export interface SkippedStateFile {
  path: string;
  reason: string;
}

export interface StateExportScan {
  /** per (strategy, symbol, mode), the newest `keepPerSeries` exports, oldest first */
  series: StateExport[][];
  skipped: SkippedStateFile[];
}

type Classified = { kind: 'export'; value: StateExport } | { kind: 'skipped'; value: SkippedStateFile };

async function listEntries(folder: string, wantFolders: boolean, root: string): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    throw unreadableInput(displayPath(root, folder), error);
  }
  const names: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    let isFolder = entry.isDirectory();
    if (entry.isSymbolicLink()) {
      const target = await stat(join(folder, entry.name)).catch(() => null);
      isFolder = target?.isDirectory() ?? false;
    }
    // A `.json` entry that is not a folder is an export to read: one that is a FIFO, a device or a
    // dangling link is refused when it is opened (invalid_input), never passed over in silence.
    if (wantFolders ? isFolder : !isFolder && entry.name.endsWith('.json')) names.push(entry.name);
  }
  return names.sort();
}

function byTimeThenPath(left: StateExport, right: StateExport): number {
  const delta = left.timestamp.getTime() - right.timestamp.getTime();
  if (delta !== 0) return delta;
  return left.sourcePath < right.sourcePath ? -1 : left.sourcePath > right.sourcePath ? 1 : 0;
}

async function classify(
  absolute: string,
  root: string,
  key: { strategy: string; symbol: string; mode: string },
  fileName: string,
): Promise<Classified> {
  const shown = displayPath(root, absolute);
  const bytes = await readInputFile(absolute, shown);
  const document = parseJsonInput(bytes, shown);
  if (!isJsonObject(document) || !isJsonObject(document.ev_global)) {
    return { kind: 'skipped', value: { path: shown, reason: 'no ev_global object' } };
  }
  const timestamp = stateExportTimestamp(fileName, document);
  if (!timestamp) {
    return {
      kind: 'skipped',
      value: { path: shown, reason: 'no YYYYMMDD_HHMMSS file-name prefix and no usable meta.last_timestamp' },
    };
  }
  for (const field of ['alpha', 'beta']) {
    const value = document.ev_global[field];
    // alpha and beta are the counts of a Beta distribution: a negative one is no distribution.
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw invalidInput({ file: shown, key: `ev_global.${field}` }, 'expected a number ≥ 0');
    }
  }
  return {
    kind: 'export',
    value: {
      ...key,
      sourcePath: shown,
      sha256: sha256Hex(bytes),
      timestamp,
      document,
      evGlobal: document.ev_global,
    },
  };
}

/**
 * Reads every state export under the archive (one series folder at a time, so memory holds at
 * most one series) and keeps the newest `keepPerSeries` of each series. Files without an
 * `ev_global` object (diffs, overrides) or without a timestamp are skipped and listed; a file
 * that is not JSON is `invalid_input`. A missing archive is `missing_input`, as is a filter that
 * matches no series.
 */
export async function scanStateExports(
  archiveRoot: string,
  root: string,
  filters: StateExportFilters,
  keepPerSeries: number,
): Promise<StateExportScan> {
  const shownRoot = displayPath(root, archiveRoot);
  await requireInputDirectory(archiveRoot, shownRoot);
  const series: StateExport[][] = [];
  const skipped: SkippedStateFile[] = [];
  let seriesFound = 0;
  for (const strategy of await listEntries(archiveRoot, true, root)) {
    if (filters.strategy !== undefined && strategy !== filters.strategy) continue;
    for (const symbol of await listEntries(join(archiveRoot, strategy), true, root)) {
      if (filters.symbol !== undefined && symbol !== filters.symbol) continue;
      for (const mode of await listEntries(join(archiveRoot, strategy, symbol), true, root)) {
        if (filters.mode !== undefined && mode !== filters.mode) continue;
        seriesFound += 1;
        const folder = join(archiveRoot, strategy, symbol, mode);
        const files = await listEntries(folder, false, root);
        const classified = await mapWithConcurrency(files, READ_CONCURRENCY, (fileName) =>
          classify(join(folder, fileName), root, { strategy, symbol, mode }, fileName),
        );
        const exports: StateExport[] = [];
        for (const item of classified) {
          if (item.kind === 'export') exports.push(item.value);
          else skipped.push(item.value);
        }
        exports.sort(byTimeThenPath);
        series.push(exports.slice(-keepPerSeries));
      }
    }
  }
  const filterText = Object.entries(filters)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `--${name} ${value}`);
  if (seriesFound === 0 && filterText.length > 0) {
    throw missingInput(
      [shownRoot],
      `no state export folder under ${shownRoot} matches ${filterText.join(' ')}`,
    );
  }
  return { series, skipped };
}

/** The newest `limit` exports of each series, all series together ordered oldest first. */
export function latestPerSeries(scan: StateExportScan, limit: number): StateExport[] {
  return scan.series.flatMap((exports) => exports.slice(-limit)).sort(byTimeThenPath);
}
