import { compileFieldPath, getField } from './ecs-field';
import { planJsonFields, scanJsonFields } from './scan-json-fields';

const paths = ['destination.domain', 'source.ip', 'related.ip', 'file.hash.sha256'].map(compileFieldPath);
const plan = planJsonFields(paths, ['threat', 'misp_src']);
const scan = (text: string | Buffer) => scanJsonFields(Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8'), plan);

describe('scanJsonFields', () => {
  it('keeps only the fields the paths can read, nested and dotted', () => {
    const result = scan('{"@timestamp":"t","destination":{"domain":"evil.com","port":53},"source.ip":"10.0.0.1","related":{"ip":["1.1.1.1",null]},"file.hash":{"sha256":"ab"},"message":"x"}');
    expect(result?.fields).toEqual({ destination: { domain: 'evil.com' }, 'source.ip': '10.0.0.1', related: { ip: ['1.1.1.1', null] }, 'file.hash': { sha256: 'ab' } });
    expect(result?.watched).toBe(false);
    expect(result?.empty).toBe(false);
  });

  it('gives the last of duplicate keys, as JSON.parse does', () => {
    const text = '{"destination":{"domain":"a.com"},"destination":{"ip":"1.2.3.4"},"source":{"ip":"1"},"source":7}';
    const result = scan(text);
    expect(result?.fields).toEqual({ destination: {}, source: null });
    for (const path of paths) expect(getField(result?.fields, path)).toEqual(getField(JSON.parse(text), path));
  });

  it('decodes escaped keys and values', () => {
    const result = scan('{"dest\\u0069nation":{"domain":"ev\\u0069l.com"},"source":{"ip":"\\ud800"}}');
    expect(result?.fields).toEqual({ destination: { domain: 'evil.com' }, source: { ip: '\ud800' } });
  });

  it('says where the object closes, whether it is empty, and whether a watched key is present', () => {
    expect(scan(' {"a":1} \r\n')).toMatchObject({ start: 0, close: 7, empty: false, watched: false });
    expect(scan('{}')).toMatchObject({ close: 1, empty: true });
    expect(scan('{"thr\\u0065at":{}}')?.watched).toBe(true);
    expect(scan('{"a":{"threat":1}}')?.watched).toBe(false);
    expect(scan(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"misp_src":"x"}')]))).toMatchObject({ start: 3, close: 18, watched: true });
  });

  it('keeps a `__proto__` key as an own property, as JSON.parse does', () => {
    const protoPlan = planJsonFields([compileFieldPath('__proto__.x')]);
    const result = scanJsonFields(Buffer.from('{"__proto__":{"x":"y"}}'), protoPlan);
    expect(Object.hasOwn(result?.fields ?? {}, '__proto__')).toBe(true);
    expect(getField(result?.fields, '__proto__.x')).toBe('y');
    expect(Object.getPrototypeOf(result?.fields)).toBe(Object.prototype);
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
