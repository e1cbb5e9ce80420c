import { parseEvent } from './parse-event';

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

describe('parseEvent', () => {
  it('accepts a JSON object and keeps its text', () => {
    const result = parseEvent(bytes('{"destination":{"domain":"evil.com"}}'), 1024);
    expect(result).toEqual({ ok: true, parsed: { event: { destination: { domain: 'evil.com' } }, text: '{"destination":{"domain":"evil.com"}}' } });
  });

  it.each([
    ['a null value (tombstone)', null, 'empty_value'],
    ['an empty value', bytes(''), 'empty_value'],
    ['plain text', bytes('GET / HTTP/1.1'), 'not_json'],
    ['truncated JSON', bytes('{"a":'), 'not_json'],
    ['a JSON array', bytes('[{"a":1}]'), 'not_object'],
    ['a JSON string', bytes('"evil.com"'), 'not_object'],
    ['JSON null', bytes('null'), 'not_object'],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), 'not_utf8'],
    ['an oversized object', bytes(`{"a":"${'x'.repeat(2000)}"}`), 'too_large'],
  ])('rejects %s', (_name, value, reason) => {
    const result = parseEvent(value, 1024);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.rejection.reason).toBe(reason);
      expect(result.rejection.message).not.toContain('xxxx');
    }
  });
});
