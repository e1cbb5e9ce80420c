import { applyAttribute, sameContribution } from './apply-attribute';
import { IndicatorState } from './indicator-state';
import { attribute } from '../../test/test-fixtures';
import { toAttributeUpdate } from './to-attribute-update';

const RULES = { feedTagPattern: 'Feed-*', defaultFeed: 'misp' };
const T1 = '2025-01-01T00:00:00.000Z';
const T2 = '2025-01-01T00:01:00.000Z';
const A = '11111111-1111-4111-8111-111111111111';
const B = '33333333-3333-4333-8333-333333333333';

function apply(state: IndicatorState, overrides: Parameters<typeof attribute>[0], at = T1) {
  const staged = state.stage();
  applyAttribute(staged, toAttributeUpdate(attribute(overrides), RULES), at);
  const changes = staged.changes();
  state.commit(staged);
  return changes;
}

describe('applyAttribute', () => {
  it('adds a key, and re-applying the same attribute stages nothing (idempotent overlap)', () => {
    const state = new IndicatorState();
    expect(apply(state, {}).map((change) => change.key)).toEqual(['domain-evil.example']);
    expect(apply(state, {}, T2)).toEqual([]);
    expect(state.get('domain-evil.example')?.updatedAt).toBe(T1);
  });

  it('a new key from one contribution holds its feeds sorted and without repeats, in a list of its own', () => {
    const state = new IndicatorState();
    const staged = state.stage();
    const contribution = { attributeUuid: A, mispType: 'domain', eventUuid: 'e', eventInfo: 'i', tags: [], toIds: true, timestamp: 1 };
    const entry = (feeds: string[], value: string) => ({ key: `domain-${value}`, kind: 'domain' as const, value, contribution: { ...contribution, feeds } });
    const inOrder = ['Feed-A', 'Feed-B'];
    applyAttribute(staged, { uuid: A, timestamp: 1, entries: [entry(inOrder, 'one.example'), entry(['Feed-Z', 'Feed-A', 'Feed-Z'], 'two.example')] }, T1);
    expect(staged.get('domain-one.example')?.feeds).toEqual(['Feed-A', 'Feed-B']);
    expect(staged.get('domain-one.example')?.feeds).not.toBe(inOrder);
    expect(staged.get('domain-two.example')?.feeds).toEqual(['Feed-A', 'Feed-Z']);
  });

  it('unions the feeds of several attributes on one key, sorted, and removes only its own part', () => {
    const state = new IndicatorState();
    apply(state, { uuid: A, tags: [{ name: 'Feed-Zeta', inherited: true }] });
    apply(state, { uuid: B, tags: [{ name: 'Feed-Alpha', inherited: true }] });
    expect(state.get('domain-evil.example')?.feeds).toEqual(['Feed-Alpha', 'Feed-Zeta']);
    expect(state.get('domain-evil.example')?.attributes.map((item) => item.attributeUuid)).toEqual([A, B]);
    apply(state, { uuid: A, deleted: true });
    expect(state.get('domain-evil.example')?.feeds).toEqual(['Feed-Alpha']);
    apply(state, { uuid: B, toIds: false });
    expect(state.get('domain-evil.example')).toBeUndefined();
    expect(state.attributeCount).toBe(0);
  });

  it('moves an edited value: the old key is removed by uuid even when the value was sanitised', () => {
    const state = new IndicatorState();
    apply(state, { value: 'old.example' });
    const changes = apply(state, { value: 'deleted-sanitised', deleted: true });
    expect(changes.map((change) => [change.key, change.after === undefined])).toEqual([['domain-old.example', true]]);
    apply(state, { value: 'old.example' });
    const moved = apply(state, { value: 'new.example' });
    expect(moved.map((change) => [change.key, change.after === undefined])).toEqual([
      ['domain-old.example', true],
      ['domain-new.example', false],
    ]);
  });

  it('records a tag change as a feed change on the same key', () => {
    const state = new IndicatorState();
    apply(state, {});
    const changes = apply(state, { tags: [{ name: 'Feed-Other', inherited: false }], timestamp: 1_700_000_100 });
    expect(changes).toHaveLength(1);
    expect(changes[0]?.before?.feeds).toEqual(['Feed-RansomwareTracker']);
    expect(changes[0]?.after?.feeds).toEqual(['Feed-Other']);
  });

  it('ignores a contributing update older than the contribution it holds (a stale REST page after a notification)', () => {
    const state = new IndicatorState();
    apply(state, { timestamp: 200, tags: [{ name: 'Feed-New', inherited: true }] });
    const staged = state.stage();
    expect(applyAttribute(staged, toAttributeUpdate(attribute({ timestamp: 100, tags: [{ name: 'Feed-Old', inherited: true }] }), RULES), T2)).toBe(false);
    expect(staged.changes()).toEqual([]);
    expect(applyAttribute(staged, toAttributeUpdate(attribute({ timestamp: 300, tags: [{ name: 'Feed-Newer', inherited: true }] }), RULES), T2)).toBe(true);
    expect(staged.get('domain-evil.example')?.feeds).toEqual(['Feed-Newer']);
  });

  // Issue 11: a held timestamp from the future made later soft deletes be ignored, for good.
  it('applies a removal whatever timestamp it holds: an indicator can always be removed', () => {
    const state = new IndicatorState();
    apply(state, { timestamp: 9_000_000_000, tags: [{ name: 'Feed-New', inherited: true }] });
    const staged = state.stage();
    expect(applyAttribute(staged, toAttributeUpdate(attribute({ timestamp: 100, deleted: true }), RULES), T2)).toBe(true);
    expect(staged.get('domain-evil.example')).toBeUndefined();
    expect(applyAttribute(state.stage(), { uuid: attribute().uuid, timestamp: 0, entries: [] }, T2)).toBe(true);
  });

  it('sees earlier attributes of the same batch', () => {
    const state = new IndicatorState();
    const staged = state.stage();
    applyAttribute(staged, toAttributeUpdate(attribute({ uuid: A }), RULES), T1);
    applyAttribute(staged, toAttributeUpdate(attribute({ uuid: B, tags: [{ name: 'Feed-B', inherited: true }] }), RULES), T1);
    expect(staged.changes()).toHaveLength(1);
    expect(staged.get('domain-evil.example')?.feeds).toEqual(['Feed-B', 'Feed-RansomwareTracker']);
  });

  it('judges two contributions the same exactly when their JSON texts are equal', () => {
    const base = { attributeUuid: 'u1', mispType: 'domain', eventUuid: 'e', eventInfo: 'info', feeds: ['Feed-A'], tags: ['Feed-A'], toIds: true, timestamp: 1 };
    const variants = [
      base,
      { ...base },
      { ...base, feeds: ['Feed-A', 'Feed-B'] },
      { ...base, tags: [] },
      { ...base, timestamp: 2 },
      { ...base, tlp: 'GREEN' },
      { ...base, decayScore: 10 },
      { ...base, eventInfo: 'other' },
      { ...base, toIds: false },
    ];
    for (const a of variants) for (const b of variants) expect(sameContribution(a, b)).toBe(JSON.stringify(a) === JSON.stringify(b));
    expect(sameContribution(base, undefined)).toBe(false);
  });
});
