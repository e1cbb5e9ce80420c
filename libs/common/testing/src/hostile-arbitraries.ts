import fc from 'fast-check';

/**
 * fast-check arbitraries for what a hostile or broken producer sends, shared by the fuzz specs of
 * every per-record entry point (issue 11). Sizes are kept small by default so a spec runs in
 * seconds; the long runs (100,000 characters, thousands of levels) come rarely, by weight.
 */

/** Fixed seeds make a failure reproducible; fast-check prints the seed and the shrunk counterexample. */
export const fuzzRuns = (seed: number, numRuns = 200): fc.Parameters<unknown> => ({ seed, numRuns, endOnFailure: true });

const INJECTIONS = ['x\r\nflush_all', 'x\r\ndelete k', 'a b', '\u0000', '\ufeff', '\u2028\u2029', '%00%0d%0a', '../../etc/passwd', '{"a":', ']}', '\\', '"', 'hxxp://evil[.]example', 'EVIL.example.', 'xn--', '1.2.3.4/33', '::ffff:10.0.0.1'];

/** Lone (unpaired) UTF-16 surrogates, which JSON text may escape and a UTF-8 encoder replaces. */
export const loneSurrogates: fc.Arbitrary<string> = fc.array(fc.integer({ min: 0xd800, max: 0xdfff }), { minLength: 1, maxLength: 6 }).map((codes) => String.fromCharCode(...codes));

/** A long run of one character: what drives quadratic scans (rare: weight 1). */
export const longRun: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('.', ':', '/', '"', '[', '{', 'a', '-', '%', ' ', ',', 'é', '\\'), fc.integer({ min: 1_000, max: 100_000 }))
  .map(([character, length]) => character.repeat(length));

/** Any string a field may hold: ordinary, any code point, lone surrogates, injection attempts, rarely a long run. */
export function hostileString(maxLength = 48): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.string({ maxLength }), weight: 4 },
    { arbitrary: fc.string({ unit: 'binary', maxLength }), weight: 2 },
    { arbitrary: loneSurrogates, weight: 1 },
    { arbitrary: fc.constantFrom(...INJECTIONS), weight: 2 },
    { arbitrary: fc.domain(), weight: 2 },
    { arbitrary: fc.ipV4(), weight: 2 },
    { arbitrary: fc.webUrl(), weight: 1 },
    { arbitrary: longRun, weight: 1 },
  );
}

/** Any JSON value, with hostile strings as values and keys (`__proto__`, `threat`, `misp_src` included). */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    hostileString(),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'threat', 'misp_src', 'misp_partial', '@timestamp', 'destination', 'source')), tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** JSON text nested `depth` deep (objects and arrays mixed), around an optional `threat` key. */
export const deepJsonText: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 500, max: 6_000 }), fc.boolean(), fc.boolean())
  .map(([depth, objects, threat]) => {
    const open = objects ? '{"a":' : '[';
    const close = objects ? '}' : ']';
    return `{${threat ? '"threat":{},' : ''}"deep":${open.repeat(depth)}1${close.repeat(depth)}}`;
  });

/** An ECS-shaped log event whose looked-up fields hold hostile values, strings or not. */
export const hostileEvent: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    '@timestamp': fc.oneof(fc.date({ noInvalidDate: true }).map((date) => date.toISOString()), hostileString()),
    event: fc.record({ id: fc.string({ maxLength: 12 }) }),
    destination: fc.record({ domain: fc.oneof(hostileString(), hostileJson), ip: fc.oneof(fc.ipV4(), hostileString()) }, { requiredKeys: [] }),
    source: fc.record({ ip: fc.oneof(fc.ipV4(), fc.ipV6(), hostileString(), hostileJson) }, { requiredKeys: [] }),
    related: fc.record({ ip: fc.array(fc.oneof(fc.ipV4(), hostileString()), { maxLength: 300 }), hosts: fc.array(hostileString(), { maxLength: 20 }) }, { requiredKeys: [] }),
    url: fc.record({ full: fc.oneof(fc.webUrl(), hostileString()), original: hostileString() }, { requiredKeys: [] }),
    threat: fc.oneof(fc.constant(undefined), hostileJson),
    misp_src: fc.oneof(fc.constant(undefined), hostileString()),
    misp_partial: fc.oneof(fc.constant(undefined), hostileJson),
    message: hostileString(200),
  },
  { requiredKeys: [] },
);

/** One record value as a producer may write it: bytes, JSON text of any value, an event, a deep nest. */
export const hostileRecordValue: fc.Arbitrary<Buffer | null> = fc.oneof(
  { arbitrary: fc.constant(null), weight: 1 },
  { arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)), weight: 3 },
  { arbitrary: hostileJson.map((value) => Buffer.from(JSON.stringify(value) ?? 'undefined', 'utf8')), weight: 3 },
  { arbitrary: hostileEvent.map((value) => Buffer.from(JSON.stringify(value), 'utf8')), weight: 6 },
  { arbitrary: deepJsonText.map((text) => Buffer.from(text, 'utf8')), weight: 1 },
  { arbitrary: hostileEvent.map((value) => Buffer.from(JSON.stringify(value, null, 2), 'utf8')), weight: 1 },
);
