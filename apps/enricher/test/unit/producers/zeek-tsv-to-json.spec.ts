import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../producers/producer-doc';
import { zeekTsvToJson } from '../../producers/zeek-tsv-to-json';

/** The conversion the producer tests use to get Zeek's JSON logs from its TSV test baselines. */
describe('zeekTsvToJson', () => {
  const baseline = (name: string) => readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'zeek', 'testing', 'btest', 'Baseline', name), 'utf8');

  it('converts a real http.log record as Zeek JSON writes it: flat dotted keys, typed values, unset fields left out, empty sets as []', () => {
    const log = zeekTsvToJson(baseline('opt.basic/http.log'), 1_300_475_167.5);
    expect(log.path).toBe('http');
    expect(log.lines).toHaveLength(14);
    expect(JSON.parse(log.lines[0] as string)).toEqual({
      ts: 1_300_475_167.5,
      uid: 'CUM0KZ3MLUfNB0cl11',
      'id.orig_h': '141.142.220.118',
      'id.orig_p': 48649,
      'id.resp_h': '208.80.152.118',
      'id.resp_p': 80,
      trans_depth: 1,
      method: 'GET',
      host: 'bits.wikimedia.org',
      uri: '/skins-1.5/monobook/main.css',
      referrer: 'http://www.wikipedia.org/',
      version: '1.1',
      user_agent: 'Mozilla/5.0 (X11; U; Linux x86_64; en-US; rv:1.9.2.15) Gecko/20110303 Ubuntu/10.04 (lucid) Firefox/3.6.15',
      request_body_len: 0,
      response_body_len: 0,
      status_code: 304,
      status_msg: 'Not Modified',
      tags: [],
    });
  });

  it('splits sets and vectors, converts booleans, and keeps real times', () => {
    const dns = zeekTsvToJson(baseline('opt.basic/dns.log'), 0).lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const answered = dns.find((record) => Array.isArray(record['answers']) && (record['answers'] as unknown[]).length > 1);
    expect(answered?.['answers']).toEqual(['upload.pmtpa.wikimedia.org', '208.80.152.3']);
    expect(answered?.['TTLs']).toEqual([124, 2156]);
    expect(typeof answered?.['RD']).toBe('boolean');
    const tsv = ['#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', '#path\tx', '#fields\tts\tname\tok', '#types\ttime\tstring\tbool', '1300475167.25\tA\\x09B\\x5cC\tT', ''].join('\n');
    expect(JSON.parse(zeekTsvToJson(tsv, 0).lines[0] as string)).toEqual({ ts: 1_300_475_167.25, name: 'A\tB\\C', ok: true });
  });

  it('refuses a record before its header', () => {
    expect(() => zeekTsvToJson('a\tb\n', 0)).toThrow('before its #fields');
  });
});
