import { readFileSync } from 'node:fs';
import { fixturePath } from './fixtures-dir';
import { parseZeekLog } from './parse-zeek-log';

describe('parseZeekLog', () => {
  it("reads Zeek's own dns.log baseline: header lines, one record per line, lists and unset fields", () => {
    const log = parseZeekLog(readFileSync(fixturePath('zeek/testing/btest/Baseline/opt.basic/dns.log'), 'utf8'));
    expect(log.path).toBe('dns');
    expect(log.fields).toHaveLength(26);
    expect(log.records).toHaveLength(34);
    const answered = log.records[5]!.values;
    expect(answered).toMatchObject({ query: 'upload.wikimedia.org', qtype_name: 'A', answers: ['upload.pmtpa.wikimedia.org', '208.80.152.3'], TTLs: ['124.000000', '2156.000000'] });
    expect(log.records[0]!.values).not.toHaveProperty('rcode_name');
  });

  it('honours the declared separators and the empty and unset markers', () => {
    const text = ['#separator \\x7c', '#set_separator|;', '#empty_field|EMPTY', '#unset_field|NONE', '#path|x', '#fields|a|b|c|d', '#types|string|set[string]|vector[string]|count', 'v 1|p;q|EMPTY|NONE', '#close|x'].join('\n');
    const log = parseZeekLog(text);
    expect(log.records.map((record) => record.values)).toEqual([{ a: 'v 1', b: ['p', 'q'], c: [] }]);
    expect(log.records[0]!.line).toBe('v 1|p;q|EMPTY|NONE');
  });

  it('refuses a record whose field count does not match #fields', () => {
    expect(() => parseZeekLog('#separator \\x09\n#path\tx\n#fields\ta\tb\n#types\tstring\tstring\nonly-one\n')).toThrow(/1 fields, #fields names 2/);
  });
});
