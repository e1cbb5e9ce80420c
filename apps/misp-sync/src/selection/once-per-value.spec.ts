import { OncePerValue } from './once-per-value';

describe('OncePerValue', () => {
  it('answers true once per value, and forgets everything past its capacity', () => {
    const once = new OncePerValue(2);
    expect([once.first('a'), once.first('a'), once.first('b'), once.first('b')]).toEqual([true, false, true, false]);
    expect(once.first('c')).toBe(true);
    expect(once.first('a')).toBe(true);
  });
});
