import { parseRestSearchFilter, resolveTime } from './rest-search-filter';

const NOW = 1_700_000_000;
const parse = (body: unknown) => parseRestSearchFilter(body, NOW);

describe('parseRestSearchFilter', () => {
  it('defaults to live attributes only, no paging, json', () => {
    expect(parse({ returnFormat: 'json' })).toEqual({
      ok: true,
      filter: { deleted: new Set([false]), includeEventTags: false, enforceWarninglist: false },
    });
  });

  it('reads the filter iocflow sends', () => {
    const result = parse({
      returnFormat: 'json',
      page: 2,
      limit: '500',
      timestamp: '1699990000',
      type: ['domain', 'ip-dst'],
      deleted: [0, 1],
      includeEventTags: 1,
      enforceWarninglist: true,
    });
    expect(result).toEqual({
      ok: true,
      filter: {
        page: 2,
        limit: 500,
        timestampFrom: 1699990000,
        types: new Set(['domain', 'ip-dst']),
        deleted: new Set([false, true]),
        includeEventTags: true,
        enforceWarninglist: true,
      },
    });
  });

  it.each([
    [{ deleted: 1 }, new Set([true])],
    [{ deleted: 'only' }, new Set([true])],
    [{ deleted: '0' }, new Set([false])],
    [{ deleted: [0, 1] }, new Set([false, true])],
  ])('deleted %j', (body, states) => {
    expect(parse(body)).toMatchObject({ ok: true, filter: { deleted: states } });
  });

  it('unwraps {"request": {...}} and accepts an empty body', () => {
    expect(parse({ request: { type: 'md5' } })).toMatchObject({ ok: true, filter: { types: new Set(['md5']) } });
    expect(parse(undefined)).toMatchObject({ ok: true });
  });

  it('reads a [from, to] timestamp range and attribute_timestamp', () => {
    expect(parse({ timestamp: ['1d', NOW] })).toMatchObject({ ok: true, filter: { timestampFrom: NOW - 86400, timestampTo: NOW } });
    expect(parse({ attribute_timestamp: 5 })).toMatchObject({ ok: true, filter: { timestampFrom: 5 } });
  });

  it('reads event_timestamp (event-level changes such as event tags)', () => {
    expect(parse({ event_timestamp: 7 })).toMatchObject({ ok: true, filter: { eventTimestampFrom: 7 } });
    expect(parse({ event_timestamp: 'soon' })).toMatchObject({ ok: false });
  });

  it('lowercases uuids and reads event ids as numbers', () => {
    expect(parse({ uuid: 'ABC', eventid: ['12'] })).toMatchObject({ ok: true, filter: { uuids: new Set(['abc']), eventIds: new Set([12]) } });
  });

  it.each([
    [{ returnFormat: 'csv' }, /Invalid return format/],
    [{ page: 0 }, /Invalid page/],
    [{ limit: -1 }, /Invalid limit/],
    [{ timestamp: 'yesterday' }, /Invalid timestamp/],
    [{ deleted: 'maybe' }, /Invalid deleted/],
    [{ type: { OR: ['md5'] } }, /type, value/],
    [{ to_ids: 'sometimes' }, /to_ids/],
    ['text', /JSON object/],
  ])('rejects %j', (body, message) => {
    const result = parse(body);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });
});

describe('resolveTime', () => {
  it.each([
    [1234, 1234],
    ['1234', 1234],
    ['30m', NOW - 1800],
    ['12h', NOW - 43200],
    ['2d', NOW - 172800],
    ['1w', NOW - 604800],
    ['10s', NOW - 10],
    ['x', undefined],
    [null, undefined],
  ])('%j → %j', (value, expected) => {
    expect(resolveTime(value, NOW)).toBe(expected);
  });
});
