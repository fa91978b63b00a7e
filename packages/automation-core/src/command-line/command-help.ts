import { type OptionDeclaration, shownValue } from './option-declaration.js';

/** What a job's exit codes mean; every job's --help ends with it. */
export const JOB_EXIT_CODES =
  'Exit codes: 0 ok, warning, dry_run or skipped; 1 the run failed; 2 invalid usage or config.';
const EXIT_CODES_LINK = 'What to do for each: docs/runbook.md#exit-codes';

function defaultText(declaration: OptionDeclaration): string {
  if (declaration.defaultLabel !== undefined) return declaration.defaultLabel;
  const value = declaration.default;
  if (value === undefined) return (declaration.placeholder ?? declaration.type.placeholder) ? 'none' : 'off';
  if (value === false) return 'off';
  const shown = shownValue(declaration, value);
  if (Array.isArray(shown)) return shown.length > 0 ? shown.join(', ') : 'none';
  return String(shown);
}

/** An option's --help text: its description and its default. */
export function optionHelp(declaration: OptionDeclaration): string {
  return `${declaration.description} (default: ${defaultText(declaration)})`;
}

/** What --help shows after the options: the examples, then the exit codes and where they are explained. */
export function helpEpilogue(examples: readonly string[], exitCodes: string = JOB_EXIT_CODES): string {
  return `\nExamples:\n${examples.map((line) => `  ${line}`).join('\n')}\n\n${exitCodes}\n${EXIT_CODES_LINK}\n`;
}
