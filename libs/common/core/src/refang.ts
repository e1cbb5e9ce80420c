/**
 * Defanged notations found in threat-intel feeds and freetext reports, and what they stand for.
 * Matching is case-insensitive (`[DOT]`, `hXXps`). Only for feed/freetext input: log values are
 * never refanged, because a log that literally contains `evil[.]com` did not contact `evil.com`.
 */
const BRACKETED: Readonly<Record<string, string>> = {
  '[.]': '.',
  '(.)': '.',
  '{.}': '.',
  '[dot]': '.',
  '(dot)': '.',
  '{dot}': '.',
  '[:]': ':',
  '[://]': '://',
  '[@]': '@',
  '[at]': '@',
  '(at)': '@',
};

// Alternation of literals plus one fixed-width scheme pattern: linear time, no backtracking blow-up.
const DEFANGED = /\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\}|\[:\]|\[:\/\/\]|\[@\]|\[at\]|\(at\)|\bh(?:xx|tx|xt)p(s?)(?=:|\[:)/gi;

/** Undo common defanging (`hxxp://evil[.]com` → `http://evil.com`). Returns the input unchanged when nothing is defanged. */
export function refang(text: string): string {
  return text.replace(DEFANGED, (match: string, secure: string | undefined) => {
    if (secure !== undefined) return secure === '' ? 'http' : 'https';
    return BRACKETED[match.toLowerCase()] ?? match;
  });
}
