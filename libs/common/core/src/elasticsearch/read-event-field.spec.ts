import { readEventField } from './read-event-field';

describe('readEventField', () => {
  it('reads nested objects', () => {
    expect(readEventField({ event: { id: 'a' } }, 'event.id')).toBe('a');
  });

  it('reads flattened dotted keys, as in Filebeat ECS output', () => {
    expect(readEventField({ 'source.ip': '10.0.0.1' }, 'source.ip')).toBe('10.0.0.1');
    expect(readEventField({ source: { 'geo.city_name': 'X' } }, 'source.geo.city_name')).toBe('X');
  });

  it('returns undefined for missing paths, arrays in the way and non-objects', () => {
    expect(readEventField({ event: {} }, 'event.id')).toBeUndefined();
    expect(readEventField({ event: [{ id: 'a' }] }, 'event.id')).toBeUndefined();
    expect(readEventField('text', 'event.id')).toBeUndefined();
    expect(readEventField(null, 'event.id')).toBeUndefined();
    expect(readEventField({ a: 1 }, '')).toBeUndefined();
  });

  it('does not read inherited properties', () => {
    expect(readEventField({}, 'constructor')).toBeUndefined();
    expect(readEventField({}, '__proto__')).toBeUndefined();
  });

  it('returns objects and arrays as they are', () => {
    expect(readEventField({ a: { b: [1, 2] } }, 'a.b')).toEqual([1, 2]);
  });
});
