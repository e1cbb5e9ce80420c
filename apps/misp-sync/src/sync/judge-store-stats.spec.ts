import { judgeStoreStats, type StoreServerStats } from './judge-store-stats';

const base: StoreServerStats = { server: '127.0.0.1:11211', pid: 100, uptime: 50, currItems: 10, evictions: 0 };

describe('judgeStoreStats', () => {
  it.each([
    ['a healthy server', [base], { ...base, uptime: 60 }, 10, undefined],
    ['first look with enough items', undefined, base, 10, undefined],
    ['other tenants add items', [base], { ...base, currItems: 50 }, 10, undefined],
    ['a new pid', [base], { ...base, pid: 101, uptime: 900 }, 0, 'restarted'],
    ['a smaller uptime', [base], { ...base, uptime: 3 }, 0, 'restarted'],
    ['evictions grew', [base], { ...base, evictions: 2, uptime: 70 }, 0, 'evictions'],
    ['fewer items than written', undefined, { ...base, currItems: 0 }, 10, 'items-missing'],
  ])('%s', (_name, previous, current, expected, reason) => {
    expect(judgeStoreStats(previous, [current], expected)?.reason).toBe(reason);
  });

  it('sums items across servers', () => {
    const other = { ...base, server: 'b:11211', currItems: 5 };
    expect(judgeStoreStats(undefined, [{ ...base, currItems: 5 }, other], 10)).toBeUndefined();
  });
});
