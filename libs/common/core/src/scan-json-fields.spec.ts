import { compileFieldPath, getField } from './ecs-field';
import { planJsonFields, scanJsonFields } from './scan-json-fields';

const paths = ['destination.domain', 'source.ip', 'related.ip', 'file.hash.sha256'].map(compileFieldPath);
const plan = planJsonFields(paths, ['threat', 'misp_src']);
const scan = (text: string | Buffer) => scanJsonFields(Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8'), plan);

describe('scanJsonFields', () => {
  const values = (result: ReturnType<typeof scan>) => paths.map((_, index) => result?.value(index));

  it('hands each path its value, nested and dotted', () => {
    const result = scan('{"@timestamp":"t","destination":{"domain":"evil.com","port":53},"source.ip":"10.0.0.1","related":{"ip":["1.1.1.1",null]},"file.hash":{"sha256":"ab"},"message":"x"}');
    expect(values(result)).toEqual(['evil.com', '10.0.0.1', ['1.1.1.1', null], 'ab']);
    expect(result?.watched).toBe(false);
    expect(result?.empty).toBe(false);
  });

  it('prefers the nested spelling, and falls back to a dotted one when the nested is absent or null, as getField does', () => {
    const texts = [
      '{"destination":{"domain":"nested.com"},"destination.domain":"dotted.com"}',
      '{"destination.domain":"dotted.com","destination":{"domain":null}}',
      '{"destination":{"ip":"1"},"destination.domain":"dotted.com"}',
      '{"file":{"hash.sha256":"mixed"},"file.hash.sha256":"flat","file.hash":{"sha256":"half"}}',
    ];
    for (const text of texts) expect(values(scan(text))).toEqual(paths.map((path) => getField(JSON.parse(text), path)));
  });

  it('gives the last of duplicate leaf keys, as JSON.parse does', () => {
    const text = '{"source.ip":"1","source.ip":"2","destination":{"domain":"a.com","domain":null}}';
    expect(values(scan(text))).toEqual(paths.map((path) => getField(JSON.parse(text), path)));
    expect(values(scan(text))[1]).toBe('2');
  });

  it('leaves an object with a duplicated key on the way of a path to JSON.parse (what was found under the first is stale)', () => {
    expect(scan('{"destination":{"domain":"a.com"},"destination":{"ip":"1.2.3.4"}}')).toBeUndefined();
    expect(scan('{"source":{"ip":"1"},"source":7}')).toBeUndefined();
    // a repeated key nobody reads, or a repeated leaf, is fine
    expect(scan('{"message":1,"message":2,"source.ip":"1","source.ip":"2"}')).toBeDefined();
  });

  it('decodes escaped keys and values', () => {
    const result = scan('{"dest\\u0069nation":{"domain":"ev\\u0069l.com"},"source":{"ip":"\\ud800"}}');
    expect(values(result).slice(0, 2)).toEqual(['evil.com', '\ud800']);
  });

  it('refuses to answer once the plan scanned another text', () => {
    const first = scan('{"source.ip":"1"}');
    expect(first?.value(1)).toBe('1');
    scan('{"source.ip":"2"}');
    expect(() => first?.value(1)).toThrow(/another text/);
  });

  it('says where the object closes, whether it is empty, and whether a watched key is present', () => {
    expect(scan(' {"a":1} \r\n')).toMatchObject({ start: 0, close: 7, empty: false, watched: false });
    expect(scan('{}')).toMatchObject({ close: 1, empty: true });
    expect(scan('{"thr\\u0065at":{}}')?.watched).toBe(true);
    expect(scan('{"a":{"threat":1}}')?.watched).toBe(false);
    expect(scan(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"misp_src":"x"}')]))).toMatchObject({ start: 3, close: 18, watched: true });
  });

  it('reads a `__proto__` key as JSON.parse keeps it (an own property)', () => {
    const protoPlan = planJsonFields([compileFieldPath('__proto__.x')]);
    expect(scanJsonFields(Buffer.from('{"__proto__":{"x":"y"}}'), protoPlan)?.value(0)).toBe('y');
  });

  it.each([
    ['not an object', '[{"a":1}]'],
    ['a string', '"x"'],
    ['truncated', '{"a":'],
    ['a trailing comma', '{"a":1,}'],
    ['text after the object', '{"a":1} x'],
    ['two objects', '{}{}'],
    ['a leading zero', '{"a":01}'],
    ['a bare minus', '{"a":-}'],
    ['a bad escape', '{"a":"\\x"}'],
    ['a short \\u escape', '{"a":"\\u12"}'],
    ['a raw control character', '{"a":"\u0001"}'],
    ['a single-quoted key', "{'a':1}"],
    ['a misspelt literal', '{"a":tru}'],
    ['a form feed as white space', '{\f"a":1}'],
    ['two byte order marks', '\ufeff\ufeff{}'],
    ['a byte order mark as a string (U+FEFF in the text)', '{\ufeff"a":1}'],
  ])('refuses %s', (_name, text) => {
    expect(scan(text)).toBeUndefined();
  });

  it('refuses invalid UTF-8, a lone surrogate encoded included', () => {
    expect(scan(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]))).toBeUndefined();
    expect(scan(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]))).toBeUndefined();
  });

  it('follows nesting far deeper than the call stack would allow, without recursion', () => {
    const depth = 200_000;
    expect(scan(`{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`)?.empty).toBe(false);
  });
});
