import fc from 'fast-check';
import { DEFAULT_MAX_JSON_DEPTH, jsonDepthExceeds } from './json-depth';

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');
const nested = (depth: number, open = '{"a":', close = '}'): string => `${open.repeat(depth)}1${close.repeat(depth)}`;

/** Depth of a parsed value, without recursion (the reference the scan is compared with). */
function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (typeof current !== 'object' || current === null) continue;
    deepest = Math.max(deepest, depth + 1);
    for (const child of Array.isArray(current) ? current : Object.values(current)) stack.push([child, depth + 1]);
  }
  return deepest;
}

describe('jsonDepthExceeds', () => {
  it('counts objects and arrays, the top level included', () => {
    expect(jsonDepthExceeds(bytes(nested(3)), 3)).toBe(false);
    expect(jsonDepthExceeds(bytes(`{"x":${nested(3)}}`), 3)).toBe(true);
    expect(jsonDepthExceeds(bytes(nested(3, '[', ']')), 2)).toBe(true);
    expect(jsonDepthExceeds(bytes('[{"a":[{}]}]'), 4)).toBe(false);
    expect(jsonDepthExceeds(bytes('[{"a":[{}]}]'), 3)).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonDepthExceeds(bytes(`{"s":"${'['.repeat(50)}"}`), 1)).toBe(false);
    expect(jsonDepthExceeds(bytes(`{"s":"\\"${'{'.repeat(50)}\\\\"}`), 1)).toBe(false);
    expect(jsonDepthExceeds(bytes(`{"s":"\\\\",${'"t":{'.repeat(5)}1${'}'.repeat(5)}}`), 3)).toBe(true);
  });

  it('finds the poison pill of issue 11 (5,000 levels under a `threat` key) and lets 1,000 levels through', () => {
    expect(jsonDepthExceeds(bytes(`{"threat":{},"deep":${nested(5000)}}`), DEFAULT_MAX_JSON_DEPTH)).toBe(true);
    expect(jsonDepthExceeds(bytes(nested(DEFAULT_MAX_JSON_DEPTH, '[', ']')), DEFAULT_MAX_JSON_DEPTH)).toBe(false);
    expect(jsonDepthExceeds(bytes(nested(DEFAULT_MAX_JSON_DEPTH + 1, '[', ']')), DEFAULT_MAX_JSON_DEPTH)).toBe(true);
  });

  it('agrees with the depth of the parsed value for any JSON (fast-check)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 12 }), fc.integer({ min: 0, max: 14 }), (value, limit) => {
        const text = JSON.stringify(value);
        expect(jsonDepthExceeds(bytes(text), limit)).toBe(depthOf(value) > limit);
      }),
      { numRuns: 300, seed: 1101 },
    );
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.integer({ min: 0, max: 64 }), (data, limit) => {
        expect(typeof jsonDepthExceeds(data, limit)).toBe('boolean');
      }),
      { numRuns: 500, seed: 1102 },
    );
  });
});
