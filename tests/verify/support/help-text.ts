/**
 * Option lines of a commander help text: each flag with its description (wrapped lines joined),
 * without `--help` and `--version`, which print and exit rather than set anything.
 */
export function optionsOf(help: string): string[] {
  const section = help.split('Options:\n')[1]?.split(/\n(?:Commands|Examples):/)[0] ?? '';
  return section
    .split(/\n(?= {2}-)/)
    .map((option) => option.replace(/\s+/g, ' ').trim())
    .filter(
      (option) => option !== '' && !option.startsWith('-h, --help') && !option.startsWith('-V, --version'),
    );
}
