import { uniqueName } from './unique-name';

describe('uniqueName', () => {
  it('is unique, prefixed and safe for topics, indices and memcached keys', () => {
    const names = new Set(Array.from({ length: 100 }, () => uniqueName('it-kafka')));
    expect(names.size).toBe(100);
    for (const name of names) expect(name).toMatch(/^it-kafka-[a-z0-9]+-[0-9a-f]{8}$/);
  });
});
