/** What a run collects for its summary along the way: artefacts written, warnings, diagnostics. */
export class RunNotes {
  readonly artefacts = new Set<string>();
  readonly warnings: string[] = [];
  readonly diagnostics: Record<string, unknown> = {};
}
