import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { REPO_ROOT } from './cli-process.js';

const RUNBOOK = readFileSync(join(REPO_ROOT, 'docs/runbook.md'), 'utf8');

/** Every `<a id="…"></a>` anchor of docs/runbook.md. */
export const RUNBOOK_ANCHORS: ReadonlySet<string> = new Set(
  [...RUNBOOK.matchAll(/<a id="([^"]+)"><\/a>/g)].map((match) => match[1] as string),
);

/** All `<a id>` tags, duplicates included. */
export const RUNBOOK_ANCHOR_TAGS: readonly string[] = [...RUNBOOK.matchAll(/<a id="([^"]+)"><\/a>/g)].map(
  (match) => match[1] as string,
);

const PROBLEM_LINE = /^(obs-[a-z]+): ([a-z0-9_]+): (.+) \(docs\/runbook\.md#([a-z0-9_]+)\)$/;

export interface ProblemLine {
  binary: string;
  code: string;
  message: string;
}

/**
 * stderr as the operator-loop contract has it: one line per problem, `obs-<job>: <code>:
 * <message> (docs/runbook.md#<code>)`, each anchor present in the runbook, no stack trace.
 */
export function problemLines(stderr: string): ProblemLine[] {
  const lines = stderr.split('\n').filter((line) => line !== '');
  return lines.map((line) => {
    const match = PROBLEM_LINE.exec(line);
    expect(match, `not a problem line: ${line}`).not.toBeNull();
    const [, binary = '', code = '', message = '', anchor = ''] = match ?? [];
    expect(anchor, line).toBe(code);
    expect(RUNBOOK_ANCHORS.has(anchor), `docs/runbook.md has no anchor #${anchor}`).toBe(true);
    return { binary, code, message };
  });
}
