import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli-process.js';
import { RUNBOOK_ANCHOR_TAGS, RUNBOOK_ANCHORS } from '../support/runbook.js';

// Every error code a job can report reaches stderr as `… (docs/runbook.md#<code>)`: each needs
// that anchor. The codes are gathered from the sources (the places a code is written) and from
// the spec; the anchors from the runbook's `<a id="…">` tags.

const ANCHORS = RUNBOOK_ANCHORS;
const SPEC = join(REPO_ROOT, '../shared/spec');

/** A code: snake_case with at least one underscore (so `ok`, `custom`, `latency` are not codes). */
const CODE = '[a-z][a-z0-9]*(?:_[a-z0-9]+)+';

interface CodePattern {
  why: string;
  pattern: RegExp;
  /** only in files whose root-relative path matches */
  files?: RegExp;
}

/** Where a code is written in the sources; group 1 is the code, or a text holding quoted codes. */
const SOURCE_PATTERNS: CodePattern[] = [
  { why: 'a JobError', pattern: new RegExp(String.raw`JobError\(\s*'(${CODE})'`, 'g') },
  { why: 'an error_code field, set or compared', pattern: /error_code[^\n;]*/g },
  {
    why: 'the code of a refused read or a webhook outcome',
    pattern: new RegExp(String.raw`\bcode:\s*'(${CODE})'`, 'g'),
  },
  {
    why: 'a failure helper of the harness',
    pattern: new RegExp(String.raw`\b(?:errorOutcome|failed|recordFailure\([^)]*?,)\(?\s*'(${CODE})'`, 'gs'),
  },
  {
    why: 'a failing check of obs-verify',
    pattern: new RegExp(String.raw`\bfail\(\s*'(${CODE})'`, 'g'),
    files: /^packages\/verify-cli\//,
  },
  {
    why: 'a finding of the health model, a problem of a stderr line',
    pattern: new RegExp(String.raw`\b(?:finding\(\s*'(?:critical|warning)',|add\()\s*'(${CODE})'`, 'g'),
    files: /^packages\/automation-core\/src\/(health|output)\//,
  },
  {
    why: 'a code named by a constant or a union type',
    pattern: new RegExp(
      String.raw`(?:const [A-Z_]*(?:CODE|WARNING)[A-Z_]* = '(${CODE})'|type \w*(?:Problem|Code) =[^;]*)`,
      'g',
    ),
  },
  { why: 'an alert id', pattern: new RegExp(String.raw`\bid:\s*'(${CODE})'`, 'g'), files: /alert/ },
];

function* sourceFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (['dist', 'node_modules', 'test-support', 'page-assets'].includes(name)) continue;
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (path.endsWith('.ts') && !path.endsWith('.test.ts')) yield path;
  }
}

const quotedCodes = (text: string) =>
  [...text.matchAll(new RegExp(`'(${CODE})'`, 'g'))].map((match) => match[1] as string);

function sourceCodes(): Map<string, string> {
  const codes = new Map<string, string>();
  for (const file of sourceFiles(join(REPO_ROOT, 'packages'))) {
    const shown = relative(REPO_ROOT, file);
    const text = readFileSync(file, 'utf8');
    for (const { why, pattern, files } of SOURCE_PATTERNS) {
      if (files && !files.test(shown)) continue;
      for (const match of text.matchAll(pattern)) {
        const found = match[1] ? [match[1]] : quotedCodes(match[0]);
        for (const code of found) if (!codes.has(code)) codes.set(code, `${shown} (${why})`);
      }
    }
  }
  return codes;
}

/**
 * Codes the spec names in running text (notification events, verification failures, warnings of
 * the operator loop), read there by hand; those the spec still names need their anchor.
 */
const SPEC_PROSE_CODES = [
  'job_failed',
  'chain_stopped',
  'verification_failed',
  'job_skipped_repeatedly',
  'alert_delivery_failing',
  'latency_breach',
  'latency_data_stale',
  'no_receiver',
  'clock_skew',
  'metrics_write_failed',
  'corrupt_log_lines',
  'checksum_mismatch',
  'dataset_missing',
  'row_count_mismatch',
  'sequence_regressed',
  'retention_violation',
  'heartbeat_corrupt',
  'sequence_gap',
  'rows_rejected',
  'no_runs',
];

/** The spec's codes: each file's "Error codes" section, every `error_code="…"`, and the codes named in prose. */
function specCodes(): Map<string, string> {
  const codes = new Map<string, string>();
  const spec = readdirSync(SPEC)
    .filter((file) => file.endsWith('.md'))
    .map((name) => ({ name, text: readFileSync(join(SPEC, name), 'utf8') }));
  for (const { name, text } of spec) {
    const sections = [...text.matchAll(/## Error codes\n([\s\S]*?)(?:\n## |$)/g)].map(
      (match) => match[1] ?? '',
    );
    const assigned = [...text.matchAll(new RegExp(`error_code=\\s*"(${CODE})"`, 'g'))].map(
      (match) => match[0],
    );
    for (const part of [...sections, ...assigned]) {
      for (const match of part.matchAll(new RegExp(`\x60(${CODE})\x60|"(${CODE})"`, 'g'))) {
        const code = (match[1] ?? match[2]) as string;
        if (!codes.has(code)) codes.set(code, name);
      }
    }
  }
  for (const code of SPEC_PROSE_CODES) {
    const named = spec.find(({ text }) => text.includes(`\x60${code}\x60`) || text.includes(`"${code}"`));
    if (named && !codes.has(code)) codes.set(code, named.name);
  }
  return codes;
}

describe('every error code has a runbook anchor', () => {
  const fromSources = sourceCodes();

  it('finds the codes of every kind of place in the sources', () => {
    for (const code of [
      'missing_input',
      'output_not_writable',
      'disk_full',
      'job_failed',
      'upload_failed',
      'alert_delivery_failed',
      'checksum_mismatch',
      'heartbeat_late',
      'run_warning',
      'latency_breach',
      'no_runs_recorded',
    ]) {
      expect(fromSources.has(code), code).toBe(true);
    }
  });

  it('each code written in the sources', () => {
    const missing = [...fromSources]
      .filter(([code]) => !ANCHORS.has(code))
      .map(([code, where]) => `${code} ← ${where}`);
    expect(missing).toEqual([]);
  });

  it.skipIf(!existsSync(SPEC))('each code the spec names (needs ../shared/spec)', () => {
    const fromSpec = specCodes();
    for (const code of [
      'lock_not_acquired',
      'rate_limited',
      'retention_violation',
      'no_receiver',
      'metrics_write_failed',
      'sequence_gap',
    ])
      expect(fromSpec.has(code), code).toBe(true);
    const missing = [...fromSpec]
      .filter(([code]) => !ANCHORS.has(code))
      .map(([code, where]) => `${code} ← ${where}`);
    expect(missing).toEqual([]);
  });

  it('anchors are unique', () => {
    expect(RUNBOOK_ANCHOR_TAGS.length).toBe(ANCHORS.size);
  });
});
