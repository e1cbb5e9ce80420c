import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { scanJsonObject, scannedTimestamp } from './scan-json-object';

/** The repository's test fixtures (test/fixtures/SOURCES.md). */
const FIXTURES = path.resolve(__dirname, '../../../../..', 'test', 'fixtures');
/** The scan in `parsed`'s terms: undefined, or the `@timestamp` it found, decoded. */
function scan(text: string): { timestamp: unknown } | undefined {
  const bytes = Buffer.from(text, 'utf8');
  const scanned = scanJsonObject(bytes);
  return scanned === undefined ? undefined : { timestamp: scannedTimestamp(bytes, scanned) };
}

/** What `JSON.parse` says, in the scan's terms: undefined unless the text is one JSON object. */
function parsed(text: string): { timestamp: unknown } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const timestamp = (value as Record<string, unknown>)['@timestamp'];
  return { timestamp: typeof timestamp === 'object' && timestamp !== null ? undefined : timestamp };
}

/** A deterministic generator (mulberry32), so a failing mutation can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('scanJsonObject', () => {
  it.each([
    ['{}', undefined],
    ['{"@timestamp":"2024-02-29T10:00:00Z","a":1}', '2024-02-29T10:00:00Z'],
    ['  {"a":{"@timestamp":"nested, not top-level"}}\t', undefined],
    ['{"@timestamp":1709200800000}', 1709200800000],
    ['{"@timestamp":-1.5e+3}', -1500],
    ['{"@timestamp":"a\\"b\\u00e9\\n"}', 'a"bé\n'],
    ['{"@timestamp":"first","@timestamp":"second"}', 'second'],
    ['{"@timestamp":"first","@timestamp":{"x":1}}', undefined],
    ['{"@timestamp":null}', null],
    ['{"@timestamp":true,"b":[1,2,{"c":[[],{}]}],"d":false}', true],
    ['{"msg":"héllo 🦊","n":12345678901234567890,"z":0.5,"e":1E9}', undefined],
  ])('vouches for %s with @timestamp %j', (text, timestamp) => {
    expect(scan(text)).toEqual({ timestamp });
  });

  it.each([
    [''],
    ['   '],
    ['[1,2]'],
    ['"text"'],
    ['42'],
    ['null'],
    ['{"a":'],
    ['{"a":1,}'],
    ['{"a":1}{"b":2}'],
    ['{"a":1} x'],
    ['{a:1}'],
    ["{'a':1}"],
    ['{"a":01}'],
    ['{"a":1.}'],
    ['{"a":-}'],
    ['{"a":.5}'],
    ['{"a":1e}'],
    ['{"a":tru}'],
    ['{"a":"\\x"}'],
    ['{"a":"\\u12g4"}'],
    ['{"a":"tab\there"}'],
    ['{"a":[1,2}'],
    ['{"a":{"b":1]}'],
    ['{"a" 1}'],
    ['<134>Oct 11 22:14:15 host app: hello'],
  ])('does not vouch for invalid or non-object %j', (text) => {
    expect(scan(text)).toBeUndefined();
    expect(parsed(text)).toBeUndefined();
  });

  it.each([['{\n"a":1}'], ['{"a":1}\r\n'], ['{"\\u0040timestamp":"2024-01-01T00:00:00Z"}']])(
    'leaves valid %j to the parse path (several lines, or an escaped top-level key)',
    (text) => {
      expect(parsed(text)).toBeDefined();
      expect(scan(text)).toBeUndefined();
    },
  );

  it('agrees with JSON.parse on real events and on thousands of random mutations of them', () => {
    // Real events as producers write them: filebeat's nginx documents (flattened ECS) and Suricata EVE lines.
    const nginx = JSON.parse(readFileSync(path.join(FIXTURES, 'elastic-beats/filebeat/module/nginx/access/test/test.log-expected.json'), 'utf8')) as unknown[];
    const eve = readFileSync(path.join(FIXTURES, 'tenzir/integration/data/suricata/eve.json'), 'utf8').split('\n').filter((line) => line.trim() !== '');
    const events = [...nginx.map((event) => JSON.stringify(event)), ...eve];
    const next = random(42);
    const alphabet = '{}[]",:\\ 0123456789.eE+-tfnul"a@\t\u00e9';
    let vouched = 0;
    for (const event of events) expect(scan(event)).toEqual(parsed(event));
    for (let round = 0; round < 5000; round += 1) {
      const base = events[Math.floor(next() * events.length)] as string;
      const at = Math.floor(next() * base.length);
      const mutation = Math.floor(next() * 3);
      const char = alphabet[Math.floor(next() * alphabet.length)] as string;
      const text =
        mutation === 0 ? base.slice(0, at) + base.slice(at + 1) : mutation === 1 ? base.slice(0, at) + char + base.slice(at) : base.slice(0, at) + char + base.slice(at + 1);
      const expected = /[\r\n]/.test(text) ? undefined : parsed(text);
      const actual = scan(text);
      if (actual !== undefined) vouched += 1;
      // escaped top-level keys are the one case left to the parse path on purpose
      if (actual === undefined && expected !== undefined && text.includes('\\')) continue;
      expect({ text, result: actual }).toEqual({ text, result: expected });
    }
    expect(vouched).toBeGreaterThan(500);
  });

  it("gives JSON.parse's verdict wherever the text stands in its buffer (every alignment), never reading past the view", () => {
    // string contents with plain runs, the bytes that end or break a string, controls,
    // multi-byte characters and escapes at every byte position
    const piece = fc.oneof(
      fc.stringMatching(/^[ -~]{0,9}$/),
      fc.constantFrom('"', '\\', '\\"', '\\u0041', '\t', '\u001f', '\u007f', 'é', '🦊', '\u2028', 'abcdefgh', '@timestamp'),
    );
    const text = fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(''));
    const document = fc
      .tuple(fc.array(fc.tuple(text, text), { maxLength: 5 }), fc.boolean())
      .map(([pairs, raw]) => (raw ? `{${pairs.map(([k, v]) => `"${k}":"${v}"`).join(',')}}` : JSON.stringify(Object.fromEntries(pairs))));
    fc.assert(
      fc.property(document, fc.integer({ min: 0, max: 7 }), fc.constantFrom('', '"}', 'x"}', '\\"'), (json, offset, after) => {
        const bytes = Buffer.from(json, 'utf8');
        // the text at `offset` in a larger buffer, with bytes after it that would complete a cut string
        const room = new Uint8Array(offset + bytes.length + after.length + 8);
        room.set(bytes, offset);
        room.set(Buffer.from(after, 'latin1'), offset + bytes.length);
        const view = new Uint8Array(room.buffer, offset, bytes.length);
        const actual = scanJsonObject(view);
        const expected = /[\r\n]/.test(json) ? undefined : parsed(json);
        const read = actual === undefined ? undefined : { timestamp: scannedTimestamp(view, actual) };
        // escaped top-level keys are the one case left to the parse path on purpose
        if (read === undefined && expected !== undefined && json.includes('\\')) return;
        expect(read).toEqual(expected);
      }),
      { seed: 14_033, numRuns: 20_000 },
    );
  });
});
