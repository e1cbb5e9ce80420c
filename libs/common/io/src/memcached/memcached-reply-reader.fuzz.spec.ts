import fc from 'fast-check';
import { fuzzRuns } from '@iocflow/testing';
import { IoError } from '../io-error';
import { MemcachedReplyReader, type MemcachedReplyShape, VALUE_LINE } from './memcached-reply-reader';

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

// Issue 14: the VALUE header is read from the bytes instead of by VALUE_LINE on a line string;
// both must agree on every line, in the key (any latin1 byte), the separators and the digits.
describe('VALUE headers read from the bytes, against VALUE_LINE (fast-check)', () => {
  const piece = fc.oneof(
    fc.constantFrom('VALUE', 'VALUE ', ' ', '  ', '\t', '\u00a0', '\u0085', '\r', '\n', 'k', 'key-1', '0', '7', '007', '12', '-1', '1.5', 'x'),
    fc.integer({ min: 0, max: 255 }).map((byte) => String.fromCharCode(byte)),
  );
  const header = fc.oneof(
    fc.tuple(fc.constantFrom('VALUE '), fc.array(piece, { maxLength: 6 })).map(([prefix, rest]) => prefix + rest.join('')),
    fc.tuple(fc.array(piece, { maxLength: 3 }), fc.constantFrom('', ' 0'), fc.integer({ min: 0, max: 20 }), fc.constantFrom('', ' 5', ' x', '  9')).map(([key, flags, count, cas]) => `VALUE ${key.join('')}${flags} ${count}${cas}`),
  );
  it('accepts exactly the lines VALUE_LINE matches, with its key and byte count', () => {
    fc.assert(
      fc.property(header, (line) => {
        // one CRLF per line: what comes before the first is the line
        const text = line.split('\r\n')[0] as string;
        const match = VALUE_LINE.exec(text);
        const count = match === null ? 0 : Number(match[3]);
        const reader = new MemcachedReplyReader(4096);
        reader.push(Buffer.from(`${text}\r\n${'d'.repeat(count)}\r\nEND\r\n`, 'latin1'));
        if (match === null) {
          expect(() => reader.next('values')).toThrow(IoError);
        } else {
          expect(reader.next('values')).toEqual({ type: 'values', values: new Map([[match[1], 'd'.repeat(count)]]) });
        }
      }),
      fuzzRuns(14_001, 2000),
    );
  });
});
