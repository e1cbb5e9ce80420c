import type { AttributeContribution } from '@iocflow/core';
import { ExpiryPolicy } from './expiry-policy';

const DAY = 86_400;
const policy = new ExpiryPolicy({ ip: 30 * DAY, domain: 90 * DAY, url: 90 * DAY, uri: 90 * DAY, email: 180 * DAY, md5: 0, sha1: 0, sha256: 0, sha512: 0 });
const contribution = (timestamp: number): AttributeContribution => ({ attributeUuid: `u${timestamp}`, mispType: 'ip-dst', eventUuid: 'e', eventInfo: '', feeds: ['misp'], tags: [], toIds: true, timestamp });

describe('ExpiryPolicy', () => {
  const T = 1_700_000_000;

  it.each([
    ['ip', T + 30 * DAY - 1, false],
    ['ip', T + 30 * DAY, true],
    ['domain', T + 30 * DAY, false],
    ['domain', T + 90 * DAY, true],
    ['sha256', T + 10_000 * DAY, false],
  ] as const)('%s changed at T, at %i: expired %s', (kind, now, expired) => {
    expect(policy.isExpired(kind, T, now)).toBe(expired);
  });

  it('never expires what carries no time (CSV and freetext feeds: timestamp 0)', () => {
    expect(policy.isExpired('ip', 0, T)).toBe(false);
    expect(policy.expiresAtSec('ip', 0)).toBeUndefined();
  });

  it("gives a record the latest of its contributions' expiries, none when one never expires", () => {
    expect(policy.recordExpiresAtSec({ kind: 'ip', attributes: [contribution(T), contribution(T + 100)] })).toBe(T + 100 + 30 * DAY);
    expect(policy.recordExpiresAtSec({ kind: 'ip', attributes: [contribution(T), contribution(0)] })).toBeUndefined();
    expect(policy.recordExpiresAtSec({ kind: 'md5', attributes: [contribution(T)] })).toBeUndefined();
  });

  it('is disabled when no kind has an age', () => {
    expect(policy.enabled).toBe(true);
    expect(new ExpiryPolicy({ ip: 0, domain: 0, url: 0, uri: 0, email: 0, md5: 0, sha1: 0, sha256: 0, sha512: 0 }).enabled).toBe(false);
  });
});
