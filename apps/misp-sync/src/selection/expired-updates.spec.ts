import { IndicatorState } from '../sync/indicator-state';
import { applyAttribute } from '../sync/apply-attribute';
import { attribute } from '../../test/test-fixtures';
import { toAttributeUpdate } from '../sync/to-attribute-update';
import { ExpiryPolicy } from './expiry-policy';
import { expiredUpdates } from './expired-updates';

const DAY = 86_400;
const T = 1_700_000_000;
const expiry = new ExpiryPolicy({ ip: 30 * DAY, domain: 90 * DAY, url: 90 * DAY, uri: 90 * DAY, email: 0, md5: 0, sha1: 0, sha256: 0, sha512: 0 });
const rules = { feedTagPattern: 'Feed-*', defaultFeed: 'misp' };

function stateOf(...values: ReturnType<typeof attribute>[]): IndicatorState {
  const state = new IndicatorState();
  const staged = state.stage();
  for (const value of values) applyAttribute(staged, toAttributeUpdate(value, rules), '2026-01-01T00:00:00Z');
  state.commit(staged);
  return state;
}

describe('expiredUpdates', () => {
  const composite = attribute({ uuid: '77777777-7777-4777-8777-000000000001', type: 'domain|ip', value: 'evil.example|198.51.100.7', timestamp: T });
  const hash = attribute({ uuid: '77777777-7777-4777-8777-000000000002', type: 'md5', value: 'a'.repeat(32), timestamp: T });

  it('nothing before any age is reached', () => {
    const state = stateOf(composite, hash);
    expect(expiredUpdates(state.values(), state, expiry, T + 30 * DAY - 1).updates).toEqual([]);
  });

  it('an expired ip leaves the attribute its domain key, with the held timestamp', () => {
    const state = stateOf(composite, hash);
    const { updates, byKind } = expiredUpdates(state.values(), state, expiry, T + 30 * DAY);
    expect(updates).toEqual([{ uuid: composite.uuid, timestamp: T, entries: [expect.objectContaining({ key: 'domain-evil.example' })] }]);
    expect([...byKind]).toEqual([['ip', 1]]);
  });

  it('once every kind of it expired, the attribute keeps nothing; hashes never expire', () => {
    const state = stateOf(composite, hash);
    const { updates, byKind } = expiredUpdates(state.values(), state, expiry, T + 1000 * DAY);
    expect(updates).toEqual([{ uuid: composite.uuid, timestamp: T, entries: [] }]);
    expect(Object.fromEntries(byKind)).toEqual({ ip: 1, domain: 1 });
  });
});
