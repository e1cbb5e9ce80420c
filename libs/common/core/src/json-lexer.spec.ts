import { lastString, skipScalar, skipSpace, skipString } from './json-lexer';

const at = (text: string) => Buffer.from(text, 'utf8');

describe('json-lexer', () => {
  it.each([
    ['"abc",', 5, false, true],
    ['"a\\"b\\u0041"', 12, true, true],
    ['"é"', 4, false, false],
  ])('skips the string %s and says whether it was escaped or ASCII', (text, end, escaped, ascii) => {
    expect(skipString(at(text), 0)).toBe(end);
    expect(lastString).toEqual({ escaped, ascii });
  });

  it.each(['"abc', '"a\\x"', '"\\u12g4"', '"a\u0001"', '"a\\'])('refuses the string %j', (text) => {
    expect(skipString(at(text), 0)).toBe(-1);
  });

  it.each([
    ['0,', 1],
    ['-12.5e+3}', 8],
    ['true]', 4],
    ['false', 5],
    ['null', 4],
  ])('skips the scalar %s', (text, end) => {
    expect(skipScalar(at(text), 0)).toBe(end);
  });

  it.each(['01', '-', '1.', '1e', '+1', 'tru', 'nul', '.5'])('refuses the scalar %s (or stops before its invalid rest)', (text) => {
    const end = skipScalar(at(text), 0);
    expect(end === -1 || end < text.length).toBe(true);
  });

  it('skips JSON white space only (not a form feed)', () => {
    expect(skipSpace(at(' \t\r\n{'), 0)).toBe(4);
    expect(skipSpace(at('\f{'), 0)).toBe(0);
  });
});
