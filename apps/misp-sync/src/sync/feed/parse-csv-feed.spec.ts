import * as fs from 'node:fs';
import * as path from 'node:path';
import { FIXTURES_DIR } from '../../../test/test-fixtures';
import { csvRecords, parseCsvFeed } from './parse-csv-feed';

const AUTO = { column: 0, valueType: 'auto' };
// The Sednit event in MISP's CSV export layout, derived from PyMISP's event (test/fixtures/SOURCES.md).
const mispExport = fs.readFileSync(path.join(FIXTURES_DIR, 'derived/misp-csv/5a3c2fcd-8328-42bb-a95e-4f4402de0b81.csv'), 'utf8');

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
    // 122 attributes of the Sednit event, 115 of them in objects: 19 domains, 12 ip-dst and 37 sha1
    // with to_ids; 15 filenames (to_ids, not a type we match); 38 texts (some spanning lines) and a link, to_ids 0.
    expect(feed.values).toHaveLength(68);
    expect(feed.skipped).toBe(54);
    expect(feed.values[0]).toEqual({ type: 'domain', value: 'movieultimate.com', id: '5a3c3045-ab0c-4d38-8efe-459002de0b81', timestamp: 1513893957 });
    expect(new Set(feed.values.map((value) => value.type))).toEqual(new Set(['domain', 'ip-dst', 'sha1']));
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
