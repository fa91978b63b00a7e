import { finiteOrNull, shownTextOrNull } from '@obs-automation/core';

/** What a rebuild made of the log, and whether it replaced it, for the human summary on a terminal. */
export function rebuildSummaryFacts(summary: Record<string, unknown>): string[] {
  const output = shownTextOrNull(summary.output);
  if (output === null) return [];
  const count = (field: string) => finiteOrNull(summary[field]) ?? 0;
  const facts = [
    `${count('kept')} entries kept, ${count('reconstructed')} reconstructed from artefacts, ${count('corrupt')} corrupt line(s) set aside`,
    `sequence numbered up to ${count('last_sequence')}`,
  ];
  const backup = shownTextOrNull(summary.backup);
  if (summary.applied === true) {
    facts.push(`applied: the log replaced${backup ? `, the previous one kept as ${backup}` : ''}`);
  } else {
    facts.push(`not applied: review ${output}, then run again with --apply to replace the log`);
  }
  return facts;
}
