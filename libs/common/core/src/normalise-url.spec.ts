import { normaliseUrl, urlHost } from './normalise-url';

describe('normaliseUrl', () => {
  it.each([
    ['http://evil.com', 'http://evil.com/'],
    ['HTTP://Evil.COM/Path?Q=1', 'http://evil.com/Path?Q=1'],
    ['http://evil.com:80/a', 'http://evil.com/a'],
    ['https://evil.com:443/a', 'https://evil.com/a'],
    ['ftp://evil.com:21/file', 'ftp://evil.com/file'],
    ['http://evil.com:8080/a', 'http://evil.com:8080/a'],
    ['https://evil.com:80/a', 'https://evil.com:80/a'],
    ['http://evil.com/a#frag', 'http://evil.com/a'],
    ['http://evil.com/a b?q=1 2', 'http://evil.com/a%20b?q=1%202'],
    ['http://evil.com/%7Euser', 'http://evil.com/%7Euser'],
    ['http://evil.com/?', 'http://evil.com/?'],
    ['https://münchen.de/x', 'https://xn--mnchen-3ya.de/x'],
    ['http://1.2.3.4/gate.php', 'http://1.2.3.4/gate.php'],
    ['http://[2001:DB8::1]:8080/', 'http://[2001:db8::1]:8080/'],
    ['http://0x7f.1/', 'http://127.0.0.1/'],
    ['http://user:pass@evil.com/', 'http://user:pass@evil.com/'],
    ['  https://evil.com/x  ', 'https://evil.com/x'],
    ['wss://evil.com/socket', 'wss://evil.com/socket'],
    // Schemeless input is taken as http://.
    ['evil.com/path', 'http://evil.com/path'],
    ['Evil.com', 'http://evil.com/'],
    ['evil.com:8080/x?y=1', 'http://evil.com:8080/x?y=1'],
    ['1.2.3.4/x', 'http://1.2.3.4/x'],
    ['[::1]:80/x', 'http://[::1]/x'],
    ['evil.com?x=1', 'http://evil.com/?x=1'],
    // WHATWG quirks kept on purpose, so we agree with what browsers contacted.
    ['http:///path', 'http://path/'],
    ['10.0.0.0/8', 'http://10.0.0.0/8'],
  ])('%j → %j', (input, expected) => {
    expect(normaliseUrl(input)).toBe(expected);
  });

  it.each([
    ['empty', ''],
    ['spaces only', '   '],
    ['mailto', 'mailto:a@evil.com'],
    ['javascript', 'javascript:alert(1)'],
    ['data', 'data:text/html,<script>'],
    ['unsupported scheme', 'tcp://evil.com/'],
    ['file', 'file:///etc/passwd'],
    ['no host', 'http://'],
    ['host without a name', 'http://:80/'],
    ['empty label host', 'http://a..b/'],
    ['wildcard host', 'http://*.evil.com/'],
    ['schemeless garbage', 'not a url'],
    ['schemeless bad port', 'evil.com:http/x'],
    ['relative path', '/gate.php'],
    ['schemeless single-label host', 'Data/dtl.dat'],
    ['schemeless incomplete IPv4', '107.183.86'],
    ['CRLF injection', 'x\r\nflush_all'],
    ['bare word with CRLF', 'evil.com\r\nflush_all'],
    ['too long', `http://evil.com/${'a'.repeat(40_000)}`],
  ])('rejects %s', (_name, input) => {
    expect(normaliseUrl(input)).toBeUndefined();
  });

  it('percent-encodes control characters a URL may carry, so the result has none', () => {
    const normalised = normaliseUrl('http://evil.com/a\u0001b');
    expect(normalised).toBe('http://evil.com/a%01b');
  });
});

describe('urlHost', () => {
  it.each([
    ['http://Evil.com:8080/x', 'evil.com'],
    ['evil.com/path', 'evil.com'],
    ['https://münchen.de/', 'xn--mnchen-3ya.de'],
    ['http://1.2.3.4/', '1.2.3.4'],
    ['http://[2001:db8:0::1]/', '2001:db8::1'],
    ['http://[::ffff:1.2.3.4]/', '1.2.3.4'],
    ['mailto:x@y.com', undefined],
    ['', undefined],
  ])('%j → %j', (input, expected) => {
    expect(urlHost(input)).toBe(expected);
  });
});
