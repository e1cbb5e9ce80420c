import * as fs from 'node:fs';
import * as path from 'node:path';
import { FIXTURES_DIR } from '../test-fixtures';
import { csvRecords, parseCsvFeed } from './parse-csv-feed';

const AUTO = { column: 0, valueType: 'auto' };
const mispExport = fs.readFileSync(path.join(FIXTURES_DIR, 'misp/tests/event.csv'), 'utf8');

describe('csvRecords', () => {
  it.each([
    ['plain fields', 'a,b\nc,d\n', [['a', 'b'], ['c', 'd']]],
    ['CRLF and no final newline', 'a,b\r\nc,d', [['a', 'b'], ['c', 'd']]],
    ['quoted commas, quotes and line breaks', '"a,1","say ""hi""","x\ny"\n', [['a,1', 'say "hi"', 'x\ny']]],
    ['comment and blank lines', '# Feed of the day\n\nevil.example\n#x,y\n   \n', [['evil.example']]],
    ['empty fields', ',,\n', [['', '', '']]],
  ])('%s', (_name, text, expected) => {
    expect(csvRecords(text)).toEqual(expected);
  });
});

describe('parseCsvFeed', () => {
  it("reads MISP's CSV export by its header: type and to_ids columns, uuid as identity, date as time", () => {
    const feed = parseCsvFeed(mispExport, AUTO);
    // 38 attributes of the Regin event: 27 to_ids md5; 3 to_ids regkeys are not a type we match;
    // 6 filenames, a link and a text have to_ids 0.
    expect(feed.values).toHaveLength(27);
    expect(feed.skipped).toBe(11);
    expect(feed.values[0]).toEqual({ type: 'md5', value: '744c07e886497f7b68f6f7fe57b7ab54', id: '548847d8-01e0-4231-a739-15bb950d210b', timestamp: 1418217432 });
    expect(new Set(feed.values.map((value) => value.type))).toEqual(new Set(['md5']));
  });

  it('takes the value from the configured column, with a header line that is not an indicator', () => {
    const feed = parseCsvFeed('first_seen,url,status\n2024-01-01,hxxp://evil[.]example/a,online\n2024-01-02,"http://b.example/x,y",offline\n', { column: 1, valueType: 'auto' });
    expect(feed.values).toEqual([
      { type: 'url', value: 'http://evil.example/a', timestamp: 0 },
      { type: 'url', value: 'http://b.example/x,y', timestamp: 0 },
    ]);
  });

  it('reads a headerless one-column list, skipping lines that are not indicators', () => {
    const feed = parseCsvFeed('# blocklist\n1.2.3.4\nevil[.]example\n10.0.0.0/8\nnot an indicator\n', AUTO);
    expect(feed.values.map((value) => [value.type, value.value])).toEqual([
      ['ip-dst', '1.2.3.4'],
      ['domain', 'evil.example'],
      ['ip-dst', '10.0.0.0/8'],
    ]);
    expect(feed.skipped).toBe(1);
  });

  it('applies a fixed FEED_VALUE_TYPE and skips values that are not of it', () => {
    const feed = parseCsvFeed('1.2.3.4\nevil.example\n5.6.7.8\n', { column: 0, valueType: 'ip-src' });
    expect(feed.values.map((value) => [value.type, value.value])).toEqual([
      ['ip-src', '1.2.3.4'],
      ['ip-src', '5.6.7.8'],
    ]);
  });

  it('reads an empty file as a feed without values', () => {
    expect(parseCsvFeed('', AUTO)).toEqual({ values: [], skipped: 0 });
  });
});
