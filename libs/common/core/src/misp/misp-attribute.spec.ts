import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseMispAttribute } from './misp-attribute';

/** The repository's test fixtures (test/fixtures/SOURCES.md). */
const fixtures = path.resolve(__dirname, '../../../../..', 'test', 'fixtures');
const readFixture = (relative: string): { Attribute: unknown[] } =>
  JSON.parse(readFileSync(path.join(fixtures, relative), 'utf8')) as { Attribute: unknown[] };

const reputation = readFixture('demisto-content/Packs/MISP/Integrations/MISPV3/test_data/reputation_command_response.json');
const byType = readFixture('demisto-content/Packs/MISP/Integrations/MISPV3/test_data/search_attribute_by_type.json');

describe('parseMispAttribute', () => {
  it('parses a recorded restSearch attribute with its event stub', () => {
    const result = parseMispAttribute(byType.Attribute[0]);
    expect(result).toEqual({
      ok: true,
      attribute: {
        id: '69583',
        eventId: '145',
        objectId: '0',
        objectRelation: null,
        category: 'Payload delivery',
        type: 'md5',
        value: '71a868cdcc6b79b7d274e3b558cd4596',
        toIds: true,
        uuid: '56d769fd-c228-4b8a-b1c7-5126c0a8ab16',
        timestamp: 1456957949,
        distribution: '5',
        comment: 'Imported via the freetext import.',
        deleted: false,
        firstSeen: null,
        lastSeen: null,
        tags: [],
        event: {
          id: '145',
          uuid: '56d76936-0d34-44ff-a8c5-5280c0a8ab16',
          info: 'DDOS.TF = (new) ELF & Win32 DDoS service with ASP + PHP/MySQL MOF webshells - MMD-0048-2016',
          orgId: '1',
          orgcId: '7',
          distribution: '1',
        },
      },
    });
  });

  it('keeps attribute tags and marks event tags MISP inherited into the attribute', () => {
    const parsed = reputation.Attribute.map(parseMispAttribute);
    expect(parsed.every((result) => result.ok)).toBe(true);
    const first = parsed[0];
    if (!first?.ok) throw new Error('expected ok');
    expect(first.attribute.tags).toContainEqual({ name: 'Test1', inherited: false });
    expect(first.attribute.tags).toContainEqual({ name: 'tlp:white', inherited: true });
  });

  it('reads the event threat level and the decay scores when MISP sends them', () => {
    const first = parseMispAttribute({
      ...(reputation.Attribute[0] as Record<string, unknown>),
      decay_score: [{ score: 42.5, base_score: 80, decayed: false, DecayingModel: { id: '1', name: 'NIDS Simple Decaying Model' } }, { score: 'x' }],
    });
    if (!first.ok) throw new Error('expected ok');
    expect(first.attribute.event?.threatLevelId).toBe('1');
    expect(first.attribute.decayScores).toEqual([{ score: 42.5, decayed: false, model: 'NIDS Simple Decaying Model' }]);
  });

  it('reads mixed to_ids values of the recorded search', () => {
    const toIds = reputation.Attribute.map((json) => {
      const result = parseMispAttribute(json);
      return result.ok ? result.attribute.toIds : undefined;
    });
    expect(new Set(toIds)).toEqual(new Set([true, false]));
  });

  const base = byType.Attribute[1] as Record<string, unknown>;
  it.each([
    ['not an object', 'x', 'attribute is not an object'],
    ['missing uuid', { ...base, uuid: undefined }, 'uuid is missing or not a uuid'],
    ['non-numeric id', { ...base, id: 'abc' }, 'id is missing or not numeric'],
    ['missing timestamp', { ...base, timestamp: '' }, 'timestamp is missing or not numeric'],
    ['a timestamp beyond any date (issue 11)', { ...base, timestamp: '99999999999999999999' }, 'timestamp is out of range'],
    ['value not a string', { ...base, value: 42 }, 'value is missing or not a string'],
    ['bad to_ids', { ...base, to_ids: 'yes' }, 'to_ids is not a boolean'],
    ['bad Tag list', { ...base, Tag: {} }, 'Tag is not a list'],
    ['Event without uuid', { ...base, Event: { id: '1' } }, 'Event.uuid is missing or not a uuid'],
  ])('rejects %s', (_label, json, reason) => {
    expect(parseMispAttribute(json)).toEqual({ ok: false, reason });
  });

  it('accepts the 0/1 flags and numeric ids older servers send, and lowercases uuids', () => {
    const result = parseMispAttribute({ ...base, id: 7, to_ids: '0', deleted: 1, uuid: String(base['uuid']).toUpperCase() });
    expect(result).toMatchObject({ ok: true, attribute: { id: '7', toIds: false, deleted: true, uuid: base['uuid'] } });
  });
});
