import { applyAttribute } from './apply-attribute';
import { diffIndicators } from './diff-indicators';
import { IndicatorState } from './indicator-state';
import { attribute } from '../../test/test-fixtures';
import { toAttributeUpdate } from './to-attribute-update';

const RULES = { feedTagPattern: 'Feed-*', defaultFeed: 'misp' };
const B = '33333333-3333-4333-8333-333333333333';

function step(state: IndicatorState, overrides: Parameters<typeof attribute>[0], seedCompat = false) {
  const staged = state.stage();
  applyAttribute(staged, toAttributeUpdate(attribute(overrides), RULES), '2025-01-01T00:00:00.000Z');
  const diff = diffIndicators(staged.changes(), seedCompat);
  state.commit(staged);
  return diff;
}

describe('diffIndicators', () => {
  it('sets the plain feed string and publishes the full record on an add', () => {
    const diff = step(new IndicatorState(), {});
    expect([...diff.sets]).toEqual([['domain-evil.example', 'Feed-RansomwareTracker']]);
    expect(diff.deletes).toEqual([]);
    expect(diff.records.map((record) => record.value?.attributes.length)).toEqual([1]);
    expect([diff.added, diff.updated, diff.removed]).toEqual([1, 0, 0]);
  });

  it('publishes a changed timestamp but does not rewrite an unchanged memcached value', () => {
    const state = new IndicatorState();
    step(state, {});
    const diff = step(state, { timestamp: 1_700_000_500 });
    expect(diff.sets.size).toBe(0);
    expect(diff.records).toHaveLength(1);
    expect(diff.updated).toBe(1);
  });

  it('deletes and tombstones a removed key', () => {
    const state = new IndicatorState();
    step(state, {});
    const diff = step(state, { deleted: true });
    expect(diff.deletes).toEqual(['domain-evil.example']);
    expect(diff.records).toEqual([{ key: 'domain-evil.example', value: null }]);
    expect(diff.removed).toBe(1);
  });

  it('writes seed-compatible <MISP type>-<value> keys per type when asked', () => {
    const state = new IndicatorState();
    const diff = step(state, { type: 'ip-dst', value: '1.2.3.4' }, true);
    expect([...diff.sets]).toEqual([
      ['ip-1.2.3.4', 'Feed-RansomwareTracker'],
      ['ip-dst-1.2.3.4', 'Feed-RansomwareTracker'],
    ]);
    const second = step(state, { uuid: B, type: 'ip-src', value: '1.2.3.4', tags: [{ name: 'Feed-B', inherited: true }] }, true);
    expect([...second.sets]).toEqual([
      ['ip-1.2.3.4', 'Feed-B,Feed-RansomwareTracker'],
      ['ip-src-1.2.3.4', 'Feed-B'],
    ]);
    const removal = step(state, { uuid: B, type: 'ip-src', value: '1.2.3.4', deleted: true }, true);
    expect(removal.deletes).toEqual(['ip-src-1.2.3.4']);
    expect([...removal.sets]).toEqual([['ip-1.2.3.4', 'Feed-RansomwareTracker']]);
  });

  it('caps a topic record over maxRecordBytes and leaves a memcached value over maxStoreValueBytes unwritten, counting both', () => {
    const state = new IndicatorState();
    const staged = state.stage();
    for (let i = 0; i < 17; i++) {
      const uuid = `44444444-4444-4444-8444-${String(i).padStart(12, '0')}`;
      applyAttribute(staged, toAttributeUpdate(attribute({ uuid, timestamp: 1_700_000_000 + i, tags: [{ name: `Feed-${i}`, inherited: true }], event: { id: '1', uuid: '22222222-2222-4222-8222-222222222222', info: 'i'.repeat(900) } }), RULES), 'T');
    }
    const diff = diffIndicators(staged.changes(), false, { maxRecordBytes: 4000, maxStoreValueBytes: 64 });
    expect(diff.capped).toBe(1);
    expect(Buffer.byteLength(JSON.stringify(diff.records[0]?.value))).toBeLessThanOrEqual(4000);
    expect(diff.records[0]?.value?.feeds).toHaveLength(17);
    expect(diff.oversizedValues).toBe(1);
    expect(diff.sets.size).toBe(0);
  });
});
