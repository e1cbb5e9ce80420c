import type { AttributeContribution, IndicatorRecord } from '@iocflow/core';
import { IndicatorState } from './indicator-state';

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
});
