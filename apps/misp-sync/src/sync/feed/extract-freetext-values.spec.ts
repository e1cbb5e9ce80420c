import { extractFreetextValues } from './extract-freetext-values';

const pairs = (text: string, type = 'auto') => extractFreetextValues(text, type).map((value) => [value.type, value.value]);

describe('extractFreetextValues', () => {
  it('refangs and types the indicators of a report paragraph', () => {
    const report = [
      '# Daily report',
      'The dropper (md5 1cd71d3bb891df0b251249da0cdcf7e1) was served from hxxp://98.159.99[.]222/3306 and',
      'called home to evil[.]example; mail came from phish[@]evil[.]example, see also 10.0.0.0/8.',
    ].join('\n');
    expect(pairs(report)).toEqual([
      ['md5', '1cd71d3bb891df0b251249da0cdcf7e1'],
      ['url', 'http://98.159.99.222/3306'],
      ['domain', 'evil.example'],
      ['email', 'phish@evil.example'],
      ['ip-dst', '10.0.0.0/8'],
    ]);
  });

  it('reads one indicator per line, keeping each once', () => {
    expect(pairs('evil.example\r\n2001:db8::1\nevil.example\n')).toEqual([
      ['domain', 'evil.example'],
      ['ip-dst', '2001:db8::1'],
    ]);
  });

  it('keeps only values of a fixed FEED_VALUE_TYPE', () => {
    expect(pairs('1.2.3.4 evil.example 5.6.7.8', 'ip-src')).toEqual([
      ['ip-src', '1.2.3.4'],
      ['ip-src', '5.6.7.8'],
    ]);
  });

  it('ignores prose, version numbers and an unsupported fixed type', () => {
    expect(pairs('version 1.2.3 is out! Nothing to see.')).toEqual([]);
    expect(pairs('evil.example', 'regkey')).toEqual([]);
  });
});
