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

  // Issue 11: appending each TCP piece to what was held copied a large value again per piece.
  it('reads a 16 MiB value delivered in 16 KiB pieces in linear time (one join), well under a CPU budget', () => {
    const size = 16 * 1_048_576;
    const reader = new MemcachedReplyReader(32 * 1_048_576);
    const wire = Buffer.concat([Buffer.from(`VALUE big 0 ${size}\r\n`), Buffer.alloc(size, 0x61), Buffer.from('\r\nEND\r\n')]);
    const started = process.cpuUsage();
    let reply: MemcachedReply | undefined;
    for (let i = 0; i < wire.length; i += 16_384) {
      reader.push(wire.subarray(i, i + 16_384));
      reply = reader.next('values') ?? reply;
    }
    const used = process.cpuUsage(started);
    expect(reply?.type === 'values' && reply.values.get('big')?.length).toBe(size);
    // appending each piece to what was held took ~7 s here (CPU); queueing them and joining once, tens of ms
    expect((used.user + used.system) / 1000).toBeLessThan(1000);
  });

  it('refuses a reply over maxReplyBytes before keeping its bytes (announced value, or values adding up)', () => {
    const one = new MemcachedReplyReader(1024);
    one.push(Buffer.from('VALUE k 0 2048\r\n'));
    expect(() => one.next('values')).toThrow(expect.objectContaining({ code: 'MEMCACHED_PROTOCOL', message: expect.stringContaining('over 1024 bytes') }));
    const many = new MemcachedReplyReader(1024);
    many.push(Buffer.from(`VALUE a 0 600\r\n${'x'.repeat(600)}\r\nVALUE b 0 600\r\n`));
    expect(() => many.next('values')).toThrow(expect.objectContaining({ code: 'MEMCACHED_PROTOCOL' }));
    const stats = new MemcachedReplyReader(64);
    stats.push(Buffer.from(`${'STAT a 123456789\r\n'.repeat(8)}END\r\n`));
    expect(() => stats.next('stats')).toThrow(expect.objectContaining({ code: 'MEMCACHED_PROTOCOL' }));
  });

  it('returns a SERVER_ERROR answering a get (memcached out of memory, a proxy without its backend) as an error reply, the stream in sync', () => {
    const reader = new MemcachedReplyReader();
    reader.push(Buffer.from('SERVER_ERROR out of memory storing object\r\nVALUE k 0 1\r\nx\r\nEND\r\n'));
    expect(reader.next('values')).toEqual({ type: 'error', kind: 'SERVER_ERROR', message: 'out of memory storing object' });
    expect(reader.next('values')).toEqual({ type: 'values', values: new Map([['k', 'x']]) });
  });
});
