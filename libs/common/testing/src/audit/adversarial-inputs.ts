/** Length of every adversarial input: long enough that a quadratic pass costs seconds. */
export const ADVERSARIAL_LENGTH = 100_000;

/** Characters that drive the usual catastrophic cases (runs of one class, separators, quotes, escapes, non-ASCII, NUL). */
const COMMON = ['a', '0', ' ', '\t', '\n', '.', ':', '-', '/', '\\', '"', '[', '%', '@', 'é', '\u0000'];
/** What ends a run: a character unlike the run, so a backtracking engine must try every split. */
const ENDINGS = ['', '\u0000', '!'];

/**
 * Adversarial inputs for one regular expression, each of ADVERSARIAL_LENGTH characters (± its
 * prefix and ending): a run of one character, or of a pair, taken from the characters the pattern
 * itself names and from COMMON, after the pattern's literal prefix (`^VALUE ` → `VALUE `) so an
 * anchored pattern is driven past its first token, then an ending that makes the match fail at
 * the last moment. Generic, not tuned per pattern: a new regex is probed the same way.
 */
export function adversarialInputs(pattern: string): string[] {
  const own = patternCharacters(pattern);
  const singles = [...new Set([...own, ...COMMON])];
  const prefix = literalPrefix(pattern);
  const inputs = new Set<string>();
  for (const start of prefix === '' ? [''] : ['', prefix]) {
    for (const c of singles) for (const end of ENDINGS) inputs.add(start + c.repeat(ADVERSARIAL_LENGTH) + end);
    for (const a of own) {
      for (const b of [...own, 'a', ' ', '0']) {
        if (a === b) continue;
        inputs.add(start + (a + b).repeat(ADVERSARIAL_LENGTH / 2) + '\u0000');
      }
    }
  }
  return [...inputs];
}

/** The characters a pattern names (literals and class members; `\d`, `\s`, `\w` as a sample of each), at most 8. */
function patternCharacters(pattern: string): string[] {
  const found = new Set<string>();
  for (let i = 0; i < pattern.length && found.size < 8; i++) {
    const c = pattern[i] as string;
    if (c === '\\') {
      const next = pattern[++i] ?? '';
      found.add({ d: '0', D: 'a', s: ' ', S: 'a', w: 'a', W: '-', b: 'a', n: '\n', r: '\r', t: '\t', u: 'é', x: 'é' }[next] ?? next);
    } else if (!'^$()[]{}*+?|'.includes(c)) {
      found.add(c === '.' ? 'a' : c);
    }
  }
  return [...found];
}

/** The literal text an anchored pattern starts with (`^VALUE (\S+)` → `VALUE `), else ''. */
function literalPrefix(pattern: string): string {
  if (!pattern.startsWith('^')) return '';
  let prefix = '';
  for (let i = 1; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\' && /[./:\-[\]{}()|?*+^$\\]/.test(pattern[i + 1] ?? '')) prefix += pattern[++i];
    else if (/[A-Za-z0-9 _@#=:,<>'"&%-]/.test(c) && !/[*+?{]/.test(pattern[i + 1] ?? '')) prefix += c;
    else break;
  }
  return prefix;
}
