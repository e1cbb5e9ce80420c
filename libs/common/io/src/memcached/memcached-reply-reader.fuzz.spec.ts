import fc from 'fast-check';
import { fuzzRuns } from '@iocflow/testing';
import { IoError } from '../io-error';
import { MemcachedReplyReader, type MemcachedReplyShape } from './memcached-reply-reader';

const LINES = ['VALUE k 0 3\r\nabc\r\n', 'END\r\n', 'STORED\r\n', 'STAT pid 1\r\n', 'SERVER_ERROR out of memory\r\n', 'CLIENT_ERROR bad\r\n', 'ERROR\r\n', 'VALUE k 0 99999999999\r\n', 'VALUE  0 1\r\n', '\r\n', 'VALUE k 0 -1\r\n'];
const wire = fc.array(fc.oneof(fc.constantFrom(...LINES), fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes).toString('latin1'))), { maxLength: 20 }).map((parts) => Buffer.from(parts.join(''), 'latin1'));

// Issue 11, deliverable 4: whatever a server (or a proxy in front of it) answers, the reader gives a
// reply, waits for more, or rejects with MEMCACHED_PROTOCOL (the connection is then dropped) —
// never another exception, and never holds more than its reply cap.
describe('MemcachedReplyReader on arbitrary bytes (fast-check)', () => {
  it('returns replies, waits, or refuses with MEMCACHED_PROTOCOL', () => {
    fc.assert(
      fc.property(wire, fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }), fc.array(fc.constantFrom<MemcachedReplyShape>('values', 'line', 'stats'), { minLength: 1, maxLength: 8 }), (bytes, pieces, shapes) => {
        const reader = new MemcachedReplyReader(4096);
        let at = 0;
        let turn = 0;
        try {
          while (at < bytes.length) {
            const size = pieces[turn % pieces.length] as number;
            reader.push(bytes.subarray(at, at + size));
            at += size;
            for (let reply = reader.next(shapes[turn % shapes.length] as MemcachedReplyShape); reply !== undefined; reply = reader.next(shapes[++turn % shapes.length] as MemcachedReplyShape)) {
              expect(['values', 'line', 'stats', 'error']).toContain(reply.type);
            }
            turn++;
          }
        } catch (error) {
          expect(error).toBeInstanceOf(IoError);
          expect((error as IoError).code).toBe('MEMCACHED_PROTOCOL');
        }
        expect(reader.buffered).toBeLessThanOrEqual(bytes.length);
      }),
      fuzzRuns(11_020, 600),
    );
  });
});
