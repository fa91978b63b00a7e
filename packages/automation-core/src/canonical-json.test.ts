import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalJsonBytes } from './canonical-json.js';

function fromIeee754(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

describe('canonicalJson', () => {
  // RFC 8785 Appendix B: IEEE-754 bit patterns and their JCS serialisation.
  it.each([
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ])('serialises the double 0x%s as %s', (hex, expected) => {
    expect(canonicalJson(fromIeee754(hex))).toBe(expected);
  });

  it.each([
    [0, '0'],
    [-0, '0'],
    [1e21, '1e+21'],
    [1e-7, '1e-7'],
    [4.5, '4.5'],
    [0.002, '0.002'],
    [0.000001, '0.000001'],
    [1e30, '1e+30'],
  ])('formats %d as %s', (value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'rejects the non-finite %d',
    (value) => {
      expect(() => canonicalJson({ value })).toThrow(TypeError);
    },
  );

  it('reproduces the RFC 8785 §3.2.2 sample', () => {
    const input = JSON.parse(String.raw`{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }`);
    expect(canonicalJson(input)).toBe(
      String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`,
    );
  });

  it('sorts keys by UTF-16 code units as in RFC 8785 §3.2.3', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('omits undefined members, writes undefined array items as null and has no whitespace', () => {
    expect(canonicalJson({ b: [1, undefined, 'x'], a: undefined, c: { d: null } })).toBe(
      '{"b":[1,null,"x"],"c":{"d":null}}',
    );
  });

  it('serialises values through toJSON, as JSON.stringify does', () => {
    expect(canonicalJson({ at: new Date('2025-01-06T12:00:00.000Z') })).toBe(
      '{"at":"2025-01-06T12:00:00.000Z"}',
    );
  });

  it('rejects lone surrogates, cycles, bigints and values with no JSON text', () => {
    expect(() => canonicalJson('\ud800')).toThrow(TypeError);
    expect(() => canonicalJson({ '\udc00': 1 })).toThrow(TypeError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/cycle/);
    expect(() => canonicalJson(1n)).toThrow(TypeError);
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
  });

  it('orders array-index keys among the others by code units, as JavaScript objects cannot', () => {
    expect(canonicalJson({ b: 0, a: 3, 2: 2, 10: 1 })).toBe('{"10":1,"2":2,"a":3,"b":0}');
    expect(canonicalJson({ nested: [{ z: 1, 7: 'x', 11: 'y' }] })).toBe(
      '{"nested":[{"11":"y","7":"x","z":1}]}',
    );
  });

  it('keeps a parsed __proto__ member as a member', () => {
    expect(canonicalJson(JSON.parse('{"b":1,"__proto__":{"y":2,"x":1}}'))).toBe(
      '{"__proto__":{"x":1,"y":2},"b":1}',
    );
  });

  it('serialises class instances by their own enumerable members, and sparse arrays with null', () => {
    class Point {
      y = 2;
      x = 1;
    }
    expect(canonicalJson({ point: new Point() })).toBe('{"point":{"x":1,"y":2}}');
    // biome-ignore lint/suspicious/noSparseArray: the hole is the case under test
    expect(canonicalJson([, 1])).toBe('[null,1]');
  });

  it('finds a cycle through objects whose members it reorders, and a lone surrogate deep inside', () => {
    const outer: Record<string, unknown> = { z: 1, a: {} };
    (outer.a as Record<string, unknown>).back = outer;
    expect(() => canonicalJson(outer)).toThrow(/cycle/);
    expect(() => canonicalJson({ z: [{ y: 1, x: 'ok\udfff' }] })).toThrow(/lone surrogate/);
    expect(() => canonicalJson({ z: [{ y: Number.NaN, x: 1 }] })).toThrow(/finite/);
  });

  it('allows the same object twice when it is not its own ancestor', () => {
    const shared = { x: 1 };
    expect(canonicalJson([shared, { shared }])).toBe('[{"x":1},{"shared":{"x":1}}]');
  });

  it('encodes as UTF-8 bytes', () => {
    expect(canonicalJsonBytes({ s: '€' })).toEqual(
      Buffer.from([0x7b, 0x22, 0x73, 0x22, 0x3a, 0x22, 0xe2, 0x82, 0xac, 0x22, 0x7d]),
    );
  });

  it('does not depend on the order of keys', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ unit: 'grapheme' }), fc.jsonValue({ maxDepth: 3 })),
        fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })),
        (record, randoms) => {
          const entries = Object.entries(record);
          const shuffled = entries
            .map((entry) => ({ entry, rank: randoms.next().value as number }))
            .sort((a, b) => a.rank - b.rank)
            .map(({ entry }) => entry);
          const reordered = Object.fromEntries([...shuffled].reverse());
          expect(canonicalJson(Object.fromEntries(shuffled))).toBe(canonicalJson(record));
          expect(canonicalJson(reordered)).toBe(canonicalJson(record));
        },
      ),
    );
  });

  it('round-trips every JSON value through JSON.parse', () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'grapheme' }), (value) => {
        const parsed: unknown = JSON.parse(canonicalJson(value));
        // JSON has no negative zero: -0 comes back as 0, exactly as through JSON.stringify.
        expect(parsed).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(parsed)).toBe(canonicalJson(value));
      }),
    );
  });

  it('writes the same text on its fast path as on its recursive one', () => {
    // a class instance at the root sends the whole value down the recursive path
    class Holder {
      constructor(readonly held: unknown) {}
    }
    const keyed = fc.dictionary(
      fc.oneof(fc.string({ unit: 'grapheme' }), fc.nat({ max: 2000 }).map(String)),
      fc.jsonValue({ maxDepth: 3, stringUnit: 'grapheme' }),
    );
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue({ stringUnit: 'grapheme' }), keyed), (value) => {
        expect(canonicalJson(new Holder(value))).toBe(`{"held":${canonicalJson(value)}}`);
      }),
    );
  });

  it('round-trips -0 as 0', () => {
    expect(JSON.parse(canonicalJson([-0]))).toEqual([0]);
  });
});
