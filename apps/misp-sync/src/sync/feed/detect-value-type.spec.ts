import { detectValueType } from './detect-value-type';

describe('detectValueType', () => {
  it.each([
    ['1cd71d3bb891df0b251249da0cdcf7e1', 'md5'],
    ['216b5606f34dc3449464192c61848882441a4634', 'sha1'],
    ['762bdef625adb5849c0cacf379418898f9801e7392d958b2a4e9d54c65370ba5', 'sha256'],
    ['a'.repeat(128), 'sha512'],
    ['98.159.99.222', 'ip-dst'],
    ['10.0.0.0/8', 'ip-dst'],
    ['2001:db8::1', 'ip-dst'],
    ['http://98.159.99.222/3306', 'url'],
    ['HTTPS://Evil.Example/x?y=1', 'url'],
    ['http:\\\\evil.example\\x', 'url'],
    ['https:/\\evil.example/x', 'url'],
    ['http://user:pass@evil.example/x', 'url'],
    ['evil.example/payload.exe', 'url'],
    ['98.159.99.222/3306', 'url'],
    ['phish@evil.example', 'email'],
    ['Evil.Example.', 'domain'],
    ['bücher.example', 'domain'],
    ['xn--bcher-kva.example', 'domain'],
  ])('%s is %s', (value, type) => {
    expect(detectValueType(value)).toBe(type);
  });

  it.each([[''], ['value'], ['1.2.3'], ['v2.10'], ['3306'], ['a@b'], ['two words'], ['abc123'], ['http://'], ['-/x']])('%j is not an indicator', (value) => {
    expect(detectValueType(value)).toBeUndefined();
  });
});
