import { holdsValue, parseSightingRequest, SightingStore } from './sighting-store';

describe('parseSightingRequest', () => {
  it('reads the list and the single form, with MISP defaults', () => {
    expect(parseSightingRequest({ values: ['evil.com'], timestamp: 1700000000, source: ' iocflow ' }, undefined, 5)).toEqual({ ok: true, values: ['evil.com'], timestamp: 1700000000, source: 'iocflow', type: '0' });
    expect(parseSightingRequest({ value: 'evil.com' }, undefined, 5)).toEqual({ ok: true, values: ['evil.com'], timestamp: 5, source: '', type: '0' });
  });

  it('reads a body uuid as the attribute, as MISP does', () => {
    expect(parseSightingRequest({ uuid: 'a-b', source: 's' }, undefined, 5)).toEqual({ ok: true, attributeRef: 'a-b', timestamp: 5, source: 's', type: '0' });
    expect(parseSightingRequest({}, '12', 5)).toEqual({ ok: true, attributeRef: '12', timestamp: 5, source: '', type: '0' });
  });

  it.each([
    [{}, 'No valid attributes found.'],
    [{ values: [] }, 'No valid attributes found.'],
    [{ values: [1] }, 'values must be strings'],
    [{ values: ['x'], type: 7 }, 'Invalid type, please change it before you POST 1000000 sightings.'],
    [{ values: ['x'], timestamp: 'soon' }, 'timestamp must be seconds since the epoch'],
  ])('refuses %j', (body, error) => {
    expect(parseSightingRequest(body, undefined, 5)).toEqual({ ok: false, error });
  });
});

describe('holdsValue', () => {
  it('matches a value or a part of a composite value, case-insensitively', () => {
    expect(holdsValue('Evil.com', ['evil.COM'])).toBe(true);
    expect(holdsValue('evil.com|10.0.0.1', ['10.0.0.1'])).toBe(true);
    expect(holdsValue('evil.com', ['vil.com'])).toBe(false);
  });
});

describe('SightingStore', () => {
  it('records one sighting per attribute with a fresh uuid, listed by event', () => {
    const store = new SightingStore();
    const request = { ok: true as const, values: ['x'], timestamp: 9, source: 'iocflow', type: '0' };
    expect(store.add([{ id: 1, eventId: 7, uuid: 'u1' }, { id: 2, eventId: 8, uuid: 'u2' }], request)).toBe(2);
    expect(store.forEvent(7)).toEqual([{ id: '1', attribute_id: '1', event_id: '7', org_id: '1', date_sighting: '9', uuid: expect.stringMatching(/^[0-9a-f-]{36}$/), source: 'iocflow', type: '0', attribute_uuid: 'u1' }]);
    expect(new Set(store.all().map((s) => s.uuid)).size).toBe(2);
  });
});
