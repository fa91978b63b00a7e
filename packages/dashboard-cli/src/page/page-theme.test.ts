import { describe, expect, it } from 'vitest';
import { contrastRatio, PAGE_THEME } from './page-theme.js';

describe('PAGE_THEME', () => {
  it('computes WCAG contrast ratios', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
  });

  it('gives every text colour at least 4.5:1 on the background', () => {
    for (const [name, colour] of Object.entries(PAGE_THEME.text)) {
      expect(contrastRatio(colour, PAGE_THEME.background), name).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('gives every chart line at least 3:1 on the background', () => {
    for (const colour of [...PAGE_THEME.series, PAGE_THEME.slo]) {
      expect(contrastRatio(colour, PAGE_THEME.background), colour).toBeGreaterThanOrEqual(3);
    }
  });
});
