import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeHtml, jsonForScriptBlock, relativeHref } from './html-text.js';

describe('escapeHtml', () => {
  it('leaves no markup', () => {
    expect(escapeHtml('"><img src=x onerror=alert(1)>')).toBe('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(escapeHtml("a&b'c")).toBe('a&amp;b&#39;c');
  });
});

describe('jsonForScriptBlock', () => {
  it('cannot close the block or open a comment', () => {
    const text = jsonForScriptBlock({ name: '</script><script>alert(1)</script><!-- \u2028\u2029' });
    expect(text).not.toMatch(/<|>|\u2028|\u2029/);
    expect(JSON.parse(text)).toEqual({ name: '</script><script>alert(1)</script><!-- \u2028\u2029' });
  });

  it('round-trips any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = jsonForScriptBlock(value);
        expect(text).not.toMatch(/[<>&\u2028\u2029]/);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});

describe('relativeHref', () => {
  it('links a workspace file from the page folder', () => {
    expect(relativeHref('out/dashboard', 'runs/USDJPY_bridge_1/daily.csv')).toBe(
      '../../runs/USDJPY_bridge_1/daily.csv',
    );
    expect(relativeHref('out/dashboard', 'ops/state_archive/a b/#x.json')).toBe(
      '../../ops/state_archive/a%20b/%23x.json',
    );
  });

  it('never yields a scheme or leaves the workspace', () => {
    expect(relativeHref('out/dashboard', 'javascript:alert(1)')).toBe('../../javascript%3Aalert(1)');
    expect(relativeHref('out/dashboard', '../secret')).toBeNull();
    expect(relativeHref('out/dashboard', '/etc/passwd')).toBeNull();
  });
});
