import type { AttributeContribution, IndicatorRecord } from '@iocflow/core';
import { sameContribution } from './apply-attribute';
import { compactRecord, IndicatorState } from './indicator-state';
import { InternPool } from './intern-pool';

function contribution(uuid: string, feeds: string[]): AttributeContribution {
  return { attributeUuid: uuid, mispType: 'domain', eventUuid: 'e', eventInfo: 'event', feeds, tags: feeds, toIds: true, timestamp: 1 };
}

function record(key: string, ...attributes: AttributeContribution[]): IndicatorRecord {
  return { key, kind: 'domain', value: key.slice('domain-'.length), feeds: ['Feed-A'], attributes, updatedAt: '2025-01-01T00:00:00.000Z' };
}

describe('IndicatorState', () => {
  it('restores records and indexes every contributing attribute', () => {
    const state = new IndicatorState();
    state.restore('domain-a.com', record('domain-a.com', contribution('u1', ['Feed-A']), contribution('u2', ['Feed-A'])));
    state.restore('domain-b.com', record('domain-b.com', contribution('u1', ['Feed-A'])));
    expect(state.size).toBe(2);
    expect(state.keysOfAttribute('u1')).toEqual(['domain-a.com', 'domain-b.com']);
    expect(state.keysOfAttribute('u2')).toEqual(['domain-a.com']);
    expect(state.attributeCount).toBe(2);
  });

  it('applies a tombstone and a replaced record (later records win, index follows)', () => {
    const state = new IndicatorState();
    state.restore('domain-a.com', record('domain-a.com', contribution('u1', ['Feed-A'])));
    state.restore('domain-a.com', record('domain-a.com', contribution('u2', ['Feed-A'])));
    expect(state.keysOfAttribute('u1')).toEqual([]);
    expect(state.keysOfAttribute('u2')).toEqual(['domain-a.com']);
    state.restore('domain-a.com', undefined);
    expect(state.size).toBe(0);
    expect(state.attributeCount).toBe(0);
  });

  it('stages changes without touching the state until commit', () => {
    const state = new IndicatorState();
    state.restore('domain-a.com', record('domain-a.com', contribution('u1', ['Feed-A'])));
    const staged = state.stage();
    staged.put('domain-a.com', undefined);
    staged.put('domain-b.com', record('domain-b.com', contribution('u2', ['Feed-A'])));
    staged.setKeysOfAttribute('u1', []);
    expect(staged.get('domain-a.com')).toBeUndefined();
    expect(staged.keysOfAttribute('u1')).toEqual([]);
    expect(state.get('domain-a.com')).toBeDefined();
    expect(state.get('domain-b.com')).toBeUndefined();
    expect(staged.changes().map((change) => [change.key, change.before !== undefined, change.after !== undefined])).toEqual([
      ['domain-a.com', true, false],
      ['domain-b.com', false, true],
    ]);
    state.commit(staged);
    expect([...state.values()].map((value) => value.key)).toEqual(['domain-b.com']);
    expect(state.keysOfAttribute('u2')).toEqual(['domain-b.com']);
    expect(state.keysOfAttribute('u1')).toEqual([]);
  });

  it('holds a record with the same values and serialisation, sharing equal lists between records', () => {
    const state = new IndicatorState();
    const first = { ...contribution('u1', ['Feed-A']), threatLevel: 'High', tlp: 'GREEN', decayScore: 50 };
    const second = { ...contribution('u2', ['Feed-A']), source: 'feed:x' };
    state.restore('domain-a.com', record('domain-a.com', first));
    state.restore('domain-b.com', record('domain-b.com', second));
    expect(JSON.stringify(state.get('domain-a.com'))).toBe(JSON.stringify(record('domain-a.com', first)));
    expect(JSON.stringify(state.get('domain-b.com'))).toBe(JSON.stringify(record('domain-b.com', second)));
    expect(state.get('domain-a.com')?.attributes[0]?.feeds).toBe(state.get('domain-b.com')?.attributes[0]?.feeds);
    expect(state.get('domain-a.com')?.feeds).toBe(state.get('domain-b.com')?.feeds);
  });

  it('compacts without changing the JSON of any record', () => {
    const pool = new InternPool();
    const held = record('domain-a.com', { ...contribution('u1', ['Feed-B', 'Feed-A']), firstSeen: '2025-01-01T00:00:00Z' }, contribution('u2', []));
    expect(JSON.stringify(compactRecord(held, pool))).toBe(JSON.stringify(held));
    expect(JSON.stringify(compactRecord({ ...held, attributesOmitted: 3 }, pool))).toBe(JSON.stringify({ ...held, attributesOmitted: 3 }));
  });

  it('keeps the fields, their order and their JSON whatever the layout it holds them in', () => {
    const pool = new InternPool();
    const every: AttributeContribution = {
      attributeUuid: 'u1',
      source: 'feed:x',
      mispType: 'domain',
      eventUuid: 'e',
      eventInfo: 'event',
      feeds: ['Feed-A'],
      tags: ['Feed-A', 'tlp:amber'],
      toIds: true,
      timestamp: 1,
      firstSeen: '2025-01-01T00:00:00Z',
      lastSeen: '2025-01-02T00:00:00Z',
      threatLevel: 'High',
      tlp: 'AMBER',
      decayScore: 42.5,
    };
    // Another order, a field this version does not know, an explicit undefined: copied as they are.
    const { timestamp, ...rest } = contribution('u2', ['Feed-B']);
    const reordered: AttributeContribution = { timestamp, ...rest };
    const unknown = { ...contribution('u3', ['Feed-B']), futureField: 1 } as AttributeContribution;
    const undefinedField: AttributeContribution = { ...contribution('u4', ['Feed-B']), tlp: undefined };
    for (const attribute of [every, contribution('u5', []), reordered, unknown, undefinedField]) {
      const held = compactRecord(record('domain-a.com', attribute), pool).attributes[0];
      expect(Object.keys(held ?? {})).toEqual(Object.keys(attribute));
      expect(JSON.stringify(held)).toBe(JSON.stringify(attribute));
      expect(sameContribution(attribute, held)).toBe(true);
    }
  });

  it('indexes an attribute reaching several keys and forgets them one by one', () => {
    const state = new IndicatorState();
    state.restore('domain-a.com', record('domain-a.com', contribution('u1', ['Feed-A'])));
    state.restore('domain-b.com', record('domain-b.com', contribution('u1', ['Feed-A'])));
    state.restore('domain-c.com', record('domain-c.com', contribution('u1', ['Feed-A'])));
    state.restore('domain-b.com', undefined);
    expect(state.keysOfAttribute('u1')).toEqual(['domain-a.com', 'domain-c.com']);
    state.restore('domain-a.com', undefined);
    expect(state.keysOfAttribute('u1')).toEqual(['domain-c.com']);
    state.restore('domain-c.com', undefined);
    expect(state.keysOfAttribute('u1')).toEqual([]);
    expect(state.attributeCount).toBe(0);
  });
});
