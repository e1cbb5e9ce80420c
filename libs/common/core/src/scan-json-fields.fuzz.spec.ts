import fc from 'fast-check';
import { compileFieldPath, getField } from './ecs-field';
import { planJsonFields, scanJsonFields } from './scan-json-fields';

// Issue 14: the scan accepts exactly what UTF-8 decoding + JSON.parse accept as an object (less the
// objects with a duplicated key on a path's way, which it leaves to JSON.parse), and hands every
// planned path the value getField reads from JSON.parse's object. (Core may not use
// @iocflow/testing: the arbitraries are local.)
const PATHS = ['destination.domain', 'source.ip', 'related.ip', 'url.full', 'file.hash.sha256', 'dns.question.name'].map(compileFieldPath);
const WATCHED = ['misp_src', 'threat', 'misp_partial'];
const plan = planJsonFields(PATHS, WATCHED);

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** What JSON.parse makes of the bytes, as the enricher decodes them: an object, or undefined. */
function reference(bytes: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(decoder.decode(bytes));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Keys a path goes through (not where it ends): `destination`, `file`, `file.hash`, `hash`, … */
const THROUGH_KEYS = new Set(PATHS.flatMap((path) => path.keys.flatMap((keys) => keys.slice(0, -1).filter((key) => key.length > 0))));

/** Whether some key a path goes through is written twice as a key (decoded; anywhere, so a loose superset). */
function repeatsAThroughKey(text: string): boolean {
  const seen = new Set<string>();
  for (const [, token] of text.matchAll(/("(?:[^"\\]|\\.)*")\s*:/g)) {
    let key: unknown;
    try {
      key = JSON.parse(token as string);
    } catch {
      continue;
    }
    if (typeof key !== 'string' || !THROUGH_KEYS.has(key)) continue;
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}

function agrees(bytes: Buffer): void {
  const expected = reference(bytes);
  const scanned = scanJsonFields(bytes, plan);
  if (expected === undefined) expect(scanned).toBeUndefined();
  // refused valid objects: only those where a key on a path's way occurs twice (the caller parses them)
  if (scanned === undefined && expected !== undefined) expect(repeatsAThroughKey(decoder.decode(bytes))).toBe(true);
  if (scanned === undefined || expected === undefined) return;
  PATHS.forEach((path, index) => expect(scanned.value(index)).toStrictEqual(getField(expected, path)));
  const text = decoder.decode(bytes);
  expect(scanned.empty).toBe(Object.keys(expected).length === 0);
  expect(scanned.watched).toBe(WATCHED.some((key) => Object.hasOwn(expected, key)));
  // the splice point: the object's own closing brace, as lastIndexOf('}') finds it in the text
  expect(bytes.subarray(scanned.start, scanned.close).toString('utf8')).toBe(text.slice(0, text.lastIndexOf('}')));
}

/** Keys that the paths read (nested and dotted), written plain and with escapes, and others. */
const keyText = fc.oneof(
  fc.constantFrom('destination', 'domain', 'destination.domain', 'source', 'ip', 'source.ip', 'related', 'related.ip', 'url', 'full', 'url.full', 'file', 'hash', 'file.hash', 'sha256', 'hash.sha256', 'dns', 'question', 'dns.question', 'question.name', 'name').map((key) => JSON.stringify(key)),
  fc.constantFrom('"sour\\u0063e"', '"s\\u006furce.ip"', '"\\u0069p"', '"threat"', '"misp_src"', '"misp_partial"', '"thr\\u0065at"', '"__proto__"', '"a\\\\b"', '"a\\b"'),
  fc.string({ maxLength: 8 }).map((key) => JSON.stringify(key)),
);
const space = fc.constantFrom('', '', '', ' ', '\n', '\r\n', '\t', '  ');
const scalarText = fc.oneof(
  fc.constantFrom('true', 'false', 'null', '0', '-0', '1e5', '1E+2', '-1.5e-3', '12345678901234567890', '"\\ud800"', '"\\u00e9"', '"é"', '"\\"q\\""', '"evil.com"', '"10.0.0.1"'),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
  fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s)),
  fc.string({ unit: 'grapheme', maxLength: 6 }).map((s) => JSON.stringify(s)),
);
function objectText(keys: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.letrec<{ value: string; object: string }>((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, scalarText, scalarText, tie('object'), fc.array(tie('value'), { maxLength: 4 }).chain((items) => space.map((s) => `[${s}${items.join(`,${s}`)}${s}]`))),
    object: fc
      .array(fc.tuple(keys, space, tie('value')), { maxLength: 5 })
      .chain((members) => space.map((s) => `{${s}${members.map(([key, inner, value]) => `${key}${inner}:${inner}${value}`).join(`${s},${s}`)}${s}}`)),
  })).object;
}
const jsonText = objectText(keyText);
/** Few keys, so that duplicates (an object, then a scalar, under one key) are common. */
const duplicated = objectText(fc.constantFrom('"source"', '"ip"', '"source.ip"', '"s\u006furce"', '"related"', '"related.ip"'));

/** One damage: a byte replaced, inserted or removed, or the text cut. */
const damaged = fc.tuple(jsonText, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('replace', 'insert', 'remove', 'cut')).map(([text, at, byte, how]) => {
  const bytes = Buffer.from(text, 'utf8');
  const position = bytes.length === 0 ? 0 : at % bytes.length;
  if (how === 'cut') return bytes.subarray(0, position);
  if (how === 'remove') return Buffer.concat([bytes.subarray(0, position), bytes.subarray(position + 1)]);
  const inserted = Buffer.from([byte]);
  return Buffer.concat([bytes.subarray(0, position), inserted, bytes.subarray(how === 'insert' ? position : position + 1)]);
});
/** A meaningful byte in place of another: JSON's own punctuation and escapes. */
const punctuated = fc.tuple(jsonText, fc.nat(), fc.constantFrom(...'{}[]",:\\ \n0-.eE+tfnu'.split(''))).map(([text, at, char]) => {
  const position = text.length === 0 ? 0 : at % text.length;
  return Buffer.from(`${text.slice(0, position)}${char}${text.slice(position + 1)}`, 'utf8');
});
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

describe('scanJsonFields against JSON.parse (fast-check)', () => {
  it('agrees on generated objects (nested and dotted keys, duplicates, escapes, white space, numbers)', () => {
    fc.assert(
      fc.property(fc.oneof(jsonText, duplicated), fc.boolean(), (text, bom) => agrees(bom ? Buffer.concat([BOM, Buffer.from(text)]) : Buffer.from(text))),
      { seed: 14_001, numRuns: 3000, endOnFailure: true },
    );
  });

  it('agrees on damaged objects (a byte replaced, inserted or removed, or the text cut)', () => {
    fc.assert(fc.property(fc.oneof(damaged, punctuated), agrees), { seed: 14_002, numRuns: 5000, endOnFailure: true });
  });

  it('agrees on arbitrary bytes and strings', () => {
    const anyText = fc.oneof(
      fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
      fc.string({ unit: 'binary', maxLength: 64 }).map((text) => Buffer.from(text, 'utf8')),
      fc.array(fc.constantFrom(...'{}[]":,\\ 0-1.eE+tfnul"a'.split('')), { maxLength: 24 }).map((chars) => Buffer.from(chars.join(''))),
    );
    fc.assert(fc.property(anyText, agrees), { seed: 14_003, numRuns: 5000, endOnFailure: true });
  });
});
