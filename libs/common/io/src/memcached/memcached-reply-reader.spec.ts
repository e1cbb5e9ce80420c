import { type MemcachedReply, MemcachedReplyReader, type MemcachedReplyShape } from './memcached-reply-reader';

/** Feeds `wire` in pieces of `size` bytes and collects the replies of the given shapes. */
function readAll(wire: Buffer, shapes: MemcachedReplyShape[], size: number): MemcachedReply[] {
  const reader = new MemcachedReplyReader();
  const replies: MemcachedReply[] = [];
  for (let i = 0; i < wire.length; i += size) {
    reader.push(wire.subarray(i, i + size));
    for (;;) {
      const shape = shapes[replies.length];
      const reply = shape && reader.next(shape);
      if (!reply) break;
      replies.push(reply);
    }
  }
  expect(reader.buffered).toBe(0);
  return replies;
}

const value = 'a\r\nEND\r\nVALUE x 0 1\r\n✓';
const valueBytes = Buffer.byteLength(value);
const wire = Buffer.from(
  `VALUE k1 0 ${valueBytes}\r\n${value}\r\nVALUE k2 0 0 42\r\n\r\nEND\r\n` +
    'STORED\r\n' +
    'STAT pid 12\r\nSTAT version 1.6.18\r\nSTAT libevent 2.1.12-stable\r\nEND\r\n' +
    'END\r\n' +
    'SERVER_ERROR object too large for cache\r\n',
  'utf8',
);
const shapes: MemcachedReplyShape[] = ['values', 'line', 'stats', 'values', 'line'];
const expected: MemcachedReply[] = [
  { type: 'values', values: new Map([['k1', value], ['k2', '']]) },
  { type: 'line', line: 'STORED' },
  { type: 'stats', stats: { pid: '12', version: '1.6.18', libevent: '2.1.12-stable' } },
  { type: 'values', values: new Map() },
  { type: 'error', kind: 'SERVER_ERROR', message: 'object too large for cache' },
];

describe('MemcachedReplyReader', () => {
  it.each([1, 2, 3, 7, 64, 4096])('parses pipelined replies delivered in %i-byte pieces', (size) => {
    expect(readAll(wire, shapes, size)).toEqual(expected);
  });

  it('waits for the whole value when the data is split right before its CRLF', () => {
    const reader = new MemcachedReplyReader();
    reader.push(Buffer.from('VALUE k 0 3\r\nabc'));
    expect(reader.next('values')).toBeUndefined();
    reader.push(Buffer.from('\r'));
    expect(reader.next('values')).toBeUndefined();
    reader.push(Buffer.from('\nEND\r\n'));
    expect(reader.next('values')).toEqual({ type: 'values', values: new Map([['k', 'abc']]) });
  });

  it('returns ERROR / CLIENT_ERROR replies for any shape', () => {
    const reader = new MemcachedReplyReader();
    reader.push(Buffer.from('ERROR\r\nCLIENT_ERROR bad command line format\r\n'));
    expect(reader.next('values')).toEqual({ type: 'error', kind: 'ERROR', message: '' });
    expect(reader.next('stats')).toEqual({ type: 'error', kind: 'CLIENT_ERROR', message: 'bad command line format' });
  });

  it.each([
    ['a value not followed by CRLF', 'VALUE k 0 3\r\nabcd\r\nEND\r\n', 'values'],
    ['garbage in a get reply', 'HELLO\r\n', 'values'],
    ['garbage in a stats reply', 'STAT a 1\r\nOOPS\r\n', 'stats'],
    ['an endless line', 'x'.repeat(9000), 'line'],
  ] as const)('throws MEMCACHED_PROTOCOL on %s', (_name, input, shape) => {
    const reader = new MemcachedReplyReader();
    reader.push(Buffer.from(input));
    expect(() => reader.next(shape)).toThrow(expect.objectContaining({ code: 'MEMCACHED_PROTOCOL' }));
  });
});
