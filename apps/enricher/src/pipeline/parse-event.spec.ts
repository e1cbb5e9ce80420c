import { parseEvent } from './parse-event';

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');
const limits = { maxBytes: 1024, maxDepth: 32 };

describe('parseEvent', () => {
  it('accepts a JSON object and keeps its text', () => {
    const result = parseEvent(bytes('{"destination":{"domain":"evil.com"}}'), limits);
    expect(result).toEqual({ ok: true, parsed: { event: { destination: { domain: 'evil.com' } }, text: '{"destination":{"domain":"evil.com"}}', start: 0, close: 36, empty: false, complete: true } });
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
    ['an object nested deeper than the limit', bytes(`{"threat":{},"deep":${'['.repeat(40)}${']'.repeat(40)}}`), 'too_deep'],
  ])('rejects %s', (_name, value, reason) => {
    const result = parseEvent(value, limits);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.rejection.reason).toBe(reason);
      expect(result.rejection.message).not.toContain('xxxx');
    }
  });

  it('accepts nesting up to the limit', () => {
    expect(parseEvent(bytes(`{"deep":${'['.repeat(31)}${']'.repeat(31)}}`), limits).ok).toBe(true);
  });
});
