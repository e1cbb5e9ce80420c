import { normaliseObservable, normaliseValue } from './normalise-observable';
import { OBSERVABLE_KINDS, type ObservableKind } from './observable-kind';

describe('normaliseObservable', () => {
  it.each<[ObservableKind, string, string]>([
    ['domain', 'Evil.COM.', 'evil.com'],
    ['ip', '10.1.2.3/8', '10.0.0.0/8'],
    ['ip', '::ffff:1.2.3.4', '1.2.3.4'],
    ['url', 'HTTP://Evil.com:80/x#y', 'http://evil.com/x'],
    ['uri', ' /gate.php ', '/gate.php'],
    ['md5', 'D41D8CD98F00B204E9800998ECF8427E', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['sha1', 'DA39A3EE5E6B4B0D3255BFEF95601890AFD80709', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
    ['sha256', 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['sha512', 'A'.repeat(128), 'a'.repeat(128)],
    ['email', 'A@Evil.com', 'a@evil.com'],
  ])('%s %j → %j', (kind, raw, value) => {
    expect(normaliseObservable(kind, raw)).toEqual({ kind, value });
    expect(normaliseValue(kind, raw)).toBe(value);
  });

  const hostile = ['', ' ', 'x\r\nflush_all', 'a'.repeat(300), '\u0000', '💩', 'null', 'undefined'];
  it.each(OBSERVABLE_KINDS.flatMap((kind) => hostile.map((raw) => [kind, raw] as const)))('%s rejects hostile %j', (kind, raw) => {
    const result = normaliseObservable(kind, raw);
    // Valid single-label domains, though odd ones (emoji names exist: `💩.la`); everything else is rejected.
    const validDomains: Record<string, string> = { null: 'null', undefined: 'undefined', '💩': 'xn--ls8h' };
    if (kind === 'domain' && Object.hasOwn(validDomains, raw)) expect(result).toEqual({ kind, value: validDomains[raw] });
    else expect(result).toBeUndefined();
  });

  it.each<[ObservableKind, string]>([
    ['domain', '1.2.3.4'],
    ['ip', 'evil.com'],
    ['url', 'evil'],
    ['uri', 'evil.com/x'],
    ['md5', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
    ['email', 'evil.com'],
  ])('%s rejects a value of another kind: %j', (kind, raw) => {
    expect(normaliseObservable(kind, raw)).toBeUndefined();
  });
});
