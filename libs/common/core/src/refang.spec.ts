import { refang } from './refang';

describe('refang', () => {
  it.each([
    ['hxxp://evil.com', 'http://evil.com'],
    ['hXXp://evil.com', 'http://evil.com'],
    ['hxxps://evil.com', 'https://evil.com'],
    ['HXXPS://evil.com', 'https://evil.com'],
    ['hxxps[://]evil.com', 'https://evil.com'],
    ['hxxp[:]//evil.com', 'http://evil.com'],
    ['evil[.]com', 'evil.com'],
    ['evil(.)com', 'evil.com'],
    ['evil{.}com', 'evil.com'],
    ['evil[dot]com', 'evil.com'],
    ['evil[DOT]com', 'evil.com'],
    ['1[.]2[.]3[.]4', '1.2.3.4'],
    ['user[@]evil.com', 'user@evil.com'],
    ['user[at]evil[.]com', 'user@evil.com'],
    ['http[:]//evil.com', 'http://evil.com'],
    ['see hxxp://a[.]b/c and d[.]e', 'see http://a.b/c and d.e'],
  ])('%j → %j', (input, expected) => {
    expect(refang(input)).toBe(expected);
  });

  it.each([
    ['already clean', 'http://evil.com/path'],
    ['empty', ''],
    ['hxxp not followed by a colon', 'hxxpfoo'],
    ['word containing hxxp', 'ahxxp://x'],
    ['unicode', 'münchen[.]de'.replace('[.]', '.')],
    ['hostile CRLF is kept, not refanged', 'x\r\nflush_all'],
  ])('leaves %s unchanged', (_name, input) => {
    expect(refang(input)).toBe(input);
  });

  it('is linear on long hostile input', () => {
    const input = '[.'.repeat(50_000) + '(d' + 'hxxp'.repeat(10_000);
    // CPU time, not wall-clock: other processes on a loaded machine do not count against it
    const started = process.cpuUsage();
    refang(input);
    const used = process.cpuUsage(started);
    // a quadratic refang takes many seconds here; the bound only tells the two apart
    expect((used.user + used.system) / 1000).toBeLessThan(3000);
  });
});
