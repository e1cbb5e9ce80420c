import { compatibilityPartitioner, type MessageToProduce } from '@platformatic/kafka';
import fc from 'fast-check';
import { murmur2Partition } from './murmur2-partition';

const message = { topic: 't' } as MessageToProduce<Buffer, Buffer, Buffer, Buffer>;

describe('murmur2Partition', () => {
  it.each([
    // Kafka's UtilsTest.testMurmur2 (the Java client's reference values), sign bit cleared.
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ])('hashes %s as the Java client does', (key, javaHash) => {
    expect(murmur2Partition(Buffer.from(key))).toBe(javaHash & 0x7fffffff);
  });

  it('picks the partition @platformatic/kafka\'s compatibilityPartitioner picks, for any key (fast-check)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const key = Buffer.from(bytes);
        expect(murmur2Partition(key)).toBe(compatibilityPartitioner(message, key));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees on indicator keys of every length modulo 4, UTF-8 included', () => {
    for (const key of ['domain-example.org', 'ip-10.0.0.1', 'url-https://example.org/ä/p?q=1', 'sha256-' + 'a'.repeat(64), 'x', 'xy', 'xyz', '']) {
      const bytes = Buffer.from(key);
      expect(murmur2Partition(bytes)).toBe(compatibilityPartitioner(message, bytes));
    }
  });
});
