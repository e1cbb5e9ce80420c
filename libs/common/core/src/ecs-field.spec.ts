import { compileFieldPath, fieldValues, getField } from './ecs-field';

describe('getField', () => {
  it.each<[string, unknown, string, unknown]>([
    ['nested', { destination: { domain: 'a.com' } }, 'destination.domain', 'a.com'],
    ['flattened', { 'destination.domain': 'b.com' }, 'destination.domain', 'b.com'],
    ['mixed, dotted leaf', { destination: { 'geo.name': 'x' } }, 'destination.geo.name', 'x'],
    ['mixed, dotted head', { 'url.original': { x: 1 }, url: { full: 'http://e/' } }, 'url.full', 'http://e/'],
    ['mixed, dotted middle', { a: { 'b.c': { d: 1 } } }, 'a.b.c.d', 1],
    ['nested branch without the leaf falls back to flattened', { destination: { ip: '1.2.3.4' }, 'destination.domain': 'c.com' }, 'destination.domain', 'c.com'],
    ['nested wins over flattened', { destination: { domain: 'n.com' }, 'destination.domain': 'f.com' }, 'destination.domain', 'n.com'],
    ['single segment', { message: 'hi' }, 'message', 'hi'],
    ['array value', { related: { ip: ['1.2.3.4', '::1'] } }, 'related.ip', ['1.2.3.4', '::1']],
    ['object value', { source: { geo: { name: 'x' } } }, 'source.geo', { name: 'x' }],
    ['number', { destination: { port: 443 } }, 'destination.port', 443],
    ['missing', { destination: {} }, 'destination.domain', undefined],
    ['null leaf', { destination: { domain: null } }, 'destination.domain', undefined],
    ['through a string', { destination: 'x' }, 'destination.domain', undefined],
    ['through an array', { destination: [{ domain: 'a.com' }] }, 'destination.domain', undefined],
    ['event is null', null, 'destination.domain', undefined],
    ['event is a string', 'destination.domain', 'destination.domain', undefined],
    ['inherited property', {}, 'constructor', undefined],
    ['prototype path', {}, '__proto__.toString', undefined],
    ['JSON __proto__ own key', JSON.parse('{"__proto__": {"x": "own"}}'), '__proto__.x', 'own'],
  ])('%s', (_name, event, path, expected) => {
    expect(getField(event, path)).toEqual(expected);
    expect(getField(event, compileFieldPath(path))).toEqual(expected);
  });
});

describe('fieldValues', () => {
  const path = compileFieldPath('related.ip');
  it.each<[string, unknown, string[]]>([
    ['string', { related: { ip: '1.2.3.4' } }, ['1.2.3.4']],
    ['array of strings', { related: { ip: ['1.2.3.4', '::1'] } }, ['1.2.3.4', '::1']],
    ['array with non-strings', { related: { ip: ['1.2.3.4', 5, null, { a: 1 }, '::1'] } }, ['1.2.3.4', '::1']],
    ['flattened array', { 'related.ip': ['9.9.9.9'] }, ['9.9.9.9']],
    ['number', { related: { ip: 5 } }, []],
    ['boolean', { related: { ip: true } }, []],
    ['object', { related: { ip: { a: '1' } } }, []],
    ['missing', {}, []],
    ['empty string kept (normalisation rejects it later)', { related: { ip: '' } }, ['']],
  ])('%s', (_name, event, expected) => {
    expect(fieldValues(event, path)).toEqual(expected);
  });
});

describe('compileFieldPath', () => {
  it('precomputes every dotted join', () => {
    const compiled = compileFieldPath('a.b.c');
    expect(compiled.segments).toEqual(['a', 'b', 'c']);
    expect(compiled.keys[0]).toEqual(['a', 'a.b', 'a.b.c']);
    expect(compiled.keys[1]?.slice(1)).toEqual(['b', 'b.c']);
    expect(compiled.keys[2]?.[2]).toBe('c');
  });

  it.each([[''], ['a..b'], ['.a'], ['a.']])('rejects %j', (path) => {
    expect(() => compileFieldPath(path)).toThrow(/empty segment/);
  });
});
