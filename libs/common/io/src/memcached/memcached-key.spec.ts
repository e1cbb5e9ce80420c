import { assertSafeMemcachedKeys } from './memcached-key';

describe('assertSafeMemcachedKeys', () => {
  it('accepts printable ASCII keys of 1–250 bytes', () => {
    expect(() => assertSafeMemcachedKeys(['domain-evil.com', 'ip#ab12', '!'.repeat(250)])).not.toThrow();
  });

  it.each(['x\r\nflush_all', 'a b', '', 'k'.repeat(251), 'clé', 'tab\tkey', 'nul\u0000'])('refuses %j', (key) => {
    expect(() => assertSafeMemcachedKeys(['ok', key])).toThrow(
      expect.objectContaining({ code: 'INVALID_KEY', retriable: false }),
    );
  });

  it('never puts raw control characters in the error message', () => {
    expect(() => assertSafeMemcachedKeys(['x\r\nflush_all'])).toThrow(/"x\\r\\nflush_all"/);
  });
});
