import { BatchQueries } from './batch-queries';

describe('BatchQueries', () => {
  it('keeps one query per (kind, value, parents), in first-seen order, and returns its index', () => {
    const batch = new BatchQueries();
    expect(batch.indexOf('domain', 'evil.com', true)).toBe(0);
    expect(batch.indexOf('domain', 'evil.com', false)).toBe(1);
    expect(batch.indexOf('url', 'evil.com', false)).toBe(2);
    expect(batch.indexOf('domain', 'evil.com', true)).toBe(0);
    expect(batch.indexOf('ip', '1.2.3.4', false)).toBe(3);
    expect(batch.indexOf('domain', 'evil.com', false)).toBe(1);
    expect(batch.queries).toEqual([
      { kind: 'domain', value: 'evil.com', parents: true },
      { kind: 'domain', value: 'evil.com', parents: false },
      { kind: 'url', value: 'evil.com', parents: false },
      { kind: 'ip', value: '1.2.3.4', parents: false },
    ]);
  });
});
