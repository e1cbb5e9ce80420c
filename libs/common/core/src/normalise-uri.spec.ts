import { normaliseUri } from './normalise-uri';

describe('normaliseUri', () => {
  it.each([
    ['/gate.php', '/gate.php'],
    ['  /gate.php?id=1\n', '/gate.php?id=1'],
    ['/', '/'],
    ['/Admin/Login.PHP', '/Admin/Login.PHP'],
    ['/a%20b', '/a%20b'],
    ['/ü', '/ü'],
  ])('%j → %j', (input, expected) => {
    expect(normaliseUri(input)).toBe(expected);
  });

  it.each([
    ['empty', ''],
    ['no leading slash', 'gate.php'],
    ['full URL', 'http://evil.com/gate.php'],
    ['space inside', '/a b'],
    ['tab inside', '/a\tb'],
    ['CRLF injection', '/x\r\nflush_all'],
    ['NUL', '/a\u0000'],
    ['DEL', '/a\u007f'],
    ['C1 control', '/a\u0085b'],
    ['no-break space', '/a\u00a0b'],
    ['ideographic space', '/a\u3000b'],
    // issue 11: a 1.5 MB uri attribute made every misp-sync run fail (KAFKA_REJECTED, record too large)
    ['longer than MAX_URL_LENGTH', `/${'a'.repeat(1_500_000)}`],
  ])('rejects %s', (_name, input) => {
    expect(normaliseUri(input)).toBeUndefined();
  });
});
