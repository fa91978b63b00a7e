/**
 * The page's colours, chosen for contrast on its white background (WCAG 2.1: text ≥ 4.5:1,
 * chart lines and other graphics ≥ 3:1) and to stay apart for the common colour-vision
 * deficiencies (after the Okabe–Ito palette, darkened where it was too light). Status is never
 * told by colour alone: every badge also carries a word and a symbol.
 */
export const PAGE_THEME = {
  background: '#ffffff',
  text: {
    body: '#1b1f24',
    muted: '#57606a',
    ok: '#116329',
    warning: '#7d4e00',
    error: '#b3261e',
    link: '#0550ae',
  },
  /** lines on the charts, in series order */
  series: ['#0072b2', '#c44e00', '#007a5e', '#6a3d9a', '#996100', '#b8336a', '#00607a', '#5c5c5c'],
  slo: '#1b1f24',
  /** the breach windows' shading: the error colour, translucent (an area, not a line) */
  breachShade: 'rgba(179, 38, 30, 0.14)',
} as const;

function channel(value: number): number {
  const scaled = value / 255;
  return scaled <= 0.03928 ? scaled / 12.92 : ((scaled + 0.055) / 1.055) ** 2.4;
}

function luminance(hex: string): number {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!match) throw new Error(`${hex} is not a #rrggbb colour`);
  const [r, g, b] = match.slice(1).map((part) => channel(Number.parseInt(part, 16))) as [
    number,
    number,
    number,
  ];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2.1 contrast ratio of two #rrggbb colours (1 to 21). */
export function contrastRatio(foreground: string, background: string): number {
  const [light, dark] = [luminance(foreground), luminance(background)].sort((a, b) => b - a) as [
    number,
    number,
  ];
  return (light + 0.05) / (dark + 0.05);
}

/** The text colours as CSS custom properties, so the stylesheet and this module cannot disagree. */
export function themeCustomProperties(): string {
  const { text } = PAGE_THEME;
  return `:root{--bg:${PAGE_THEME.background};--text:${text.body};--muted:${text.muted};--ok:${text.ok};--warning:${text.warning};--error:${text.error};--link:${text.link};--breach:${PAGE_THEME.breachShade}}`;
}
