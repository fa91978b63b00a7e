#!/usr/bin/env node
// `pnpm soak [--days 7] [--seed N] [--faults default|none|heavy] [--keep] [--json-out file]`: a
// simulated week (or any number of days) of the real binaries with faults, then the invariants.
// Exit 0 when every invariant holds, 1 on a violation (the report names the seed to replay),
// 2 for a bad flag. docs/testing.md, "The soak", describes it.
import { randomInt } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { checkInvariants } from './soak-invariants.mjs';
import { FAULT_LEVELS } from './soak-plan.mjs';
import { formatReport } from './soak-report.mjs';
import { runSoak } from './soak-run.mjs';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const USAGE =
  'usage: pnpm soak [--days N] [--seed N] [--faults default|none|heavy] [--keep] [--json-out <file>]';

function parseArgs(argv) {
  const options = { days: 7, seed: randomInt(1, 2 ** 31), faults: 'default', keep: false, jsonOut: null };
  for (let index = 0; index < argv.length; index += 1) {
    const flag = argv[index];
    const value = () => {
      const next = argv[index + 1];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      index += 1;
      return next;
    };
    if (flag === '--keep') options.keep = true;
    else if (flag === '--days' || flag === '--seed') {
      const text = value();
      const number = Number(text);
      if (!/^\d+$/.test(text) || number < 1) throw new Error(`${flag} needs a whole number ≥ 1, got ${text}`);
      options[flag.slice(2)] = number;
    } else if (flag === '--faults') {
      options.faults = value();
      if (!(options.faults in FAULT_LEVELS))
        throw new Error(`--faults must be default, none or heavy, got ${options.faults}`);
    } else if (flag === '--json-out') options.jsonOut = value();
    else throw new Error(`unknown option ${flag}`);
  }
  return options;
}

let options;
try {
  options = parseArgs(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`soak: ${error.message}\n${USAGE}\n`);
  process.exit(2);
}

process.stderr.write(`soak: ${options.days} day(s), seed ${options.seed}, faults ${options.faults}\n`);
const result = await runSoak({
  repoRoot,
  ...options,
  progress: (line) => process.stderr.write(`soak: ${line}\n`),
});
let checks;
try {
  checks = await checkInvariants(result);
} finally {
  if (!options.keep) await result.folder.remove();
}
const report = formatReport(result, checks, options);
process.stdout.write(report.text);
if (options.jsonOut) await writeFile(options.jsonOut, `${JSON.stringify(report.document, null, 2)}\n`);
process.exit(report.document.violations > 0 ? 1 : 0);
