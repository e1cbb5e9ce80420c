import { HASH_LENGTHS, normaliseHash, type HashKind } from './normalise-hash';

const MD5 = 'd41d8cd98f00b204e9800998ecf8427e';
const SHA1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';
const SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const SHA512 = 'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e';

describe('normaliseHash', () => {
  it.each<[HashKind, string, string]>([
    ['md5', MD5, MD5],
    ['md5', MD5.toUpperCase(), MD5],
    ['md5', ` ${MD5}\n`, MD5],
    ['sha1', SHA1, SHA1],
    ['sha256', SHA256.toUpperCase(), SHA256],
    ['sha512', SHA512, SHA512],
  ])('%s %j → %j', (kind, input, expected) => {
    expect(normaliseHash(kind, input)).toBe(expected);
  });

  it.each<[string, HashKind, string]>([
    ['empty', 'md5', ''],
    ['sha1 given as md5', 'md5', SHA1],
    ['md5 given as sha256', 'sha256', MD5],
    ['one short', 'sha256', SHA256.slice(1)],
    ['one long', 'sha1', `${SHA1}0`],
    ['non-hex', 'md5', `${MD5.slice(1)}g`],
    ['space inside', 'md5', `${MD5.slice(0, 16)} ${MD5.slice(17)}`],
    ['CRLF injection', 'md5', 'x\r\nflush_all'],
    ['300-byte value', 'sha512', 'a'.repeat(300)],
    ['fullwidth hex', 'md5', 'ａ'.repeat(32)],
    ['0x prefix', 'md5', `0x${MD5.slice(2)}`],
  ])('rejects %s', (_name, kind, input) => {
    expect(normaliseHash(kind, input)).toBeUndefined();
  });

  it('knows each length', () => {
    expect(HASH_LENGTHS).toEqual({ md5: 32, sha1: 40, sha256: 64, sha512: 128 });
  });
});
