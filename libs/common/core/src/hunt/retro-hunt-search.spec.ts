import { DEFAULT_LOOKUP_RULES } from '../lookup-rules/lookup-rules';
import { retroHuntSearch, type RetroHuntSearchOptions } from './retro-hunt-search';

const options: RetroHuntSearchOptions = { sinceMs: Date.parse('2026-11-03T00:00:00Z'), maxHits: 100, timeoutMs: 5000, skipLiveMatched: true, parentDomains: true };

function should(search: ReturnType<typeof retroHuntSearch>): unknown[] {
  return ((search?.body['query'] as { bool: { should: unknown[] } }).bool.should);
}

describe('retroHuntSearch', () => {
  it('searches every field a rule of the kind names, exactly and as a parent domain', () => {
    const search = retroHuntSearch({ kind: 'domain', value: 'evil.com' }, DEFAULT_LOOKUP_RULES, options);
    const domainFields = DEFAULT_LOOKUP_RULES.filter((rule) => rule.kind === 'domain').map((rule) => rule.field);
    expect(search?.clauses).toEqual(domainFields.flatMap((field) => [{ field, match: 'exact' }, { field, match: 'parent' }]));
    expect(should(search)[0]).toEqual({ term: { 'destination.domain': { value: 'evil.com', case_insensitive: true, _name: 'q0' } } });
    expect(should(search)[1]).toEqual({ wildcard: { 'destination.domain': { value: '*.evil.com', case_insensitive: true, _name: 'q1' } } });
  });

  it('bounds the search: window, most recent first, hit cap plus one counted, deadline, skip of live matches', () => {
    const body = retroHuntSearch({ kind: 'ip', value: '10.0.0.0/8' }, DEFAULT_LOOKUP_RULES, options)?.body;
    expect(body).toMatchObject({ size: 100, track_total_hits: 101, timeout: '5000ms', sort: [{ '@timestamp': { order: 'desc', unmapped_type: 'date' } }] });
    expect(body?.['query']).toMatchObject({
      bool: { filter: [{ range: { '@timestamp': { gte: '2026-11-03T00:00:00.000Z' } } }], minimum_should_match: 1, must_not: [{ term: { 'iocflow.matched.atomic': '10.0.0.0/8' } }] },
    });
    expect(body?.['_source']).toEqual(['@timestamp', 'source.ip', 'destination.ip', 'client.ip', 'server.ip', 'related.ip']);
  });

  it('compares ip ranges and URLs as they are, hashes case-insensitively', () => {
    expect(should(retroHuntSearch({ kind: 'ip', value: '10.0.0.0/8' }, [{ field: 'source.ip', kind: 'ip' }], options))).toEqual([{ term: { 'source.ip': { value: '10.0.0.0/8', _name: 'q0' } } }]);
    expect(should(retroHuntSearch({ kind: 'url', value: 'http://e.com/A' }, [{ field: 'url.full', kind: 'url' }], options))).toEqual([{ term: { 'url.full': { value: 'http://e.com/A', _name: 'q0' } } }]);
    expect(should(retroHuntSearch({ kind: 'md5', value: 'ab' }, [{ field: 'file.hash.md5', kind: 'md5' }], options))).toEqual([{ term: { 'file.hash.md5': { value: 'ab', case_insensitive: true, _name: 'q0' } } }]);
  });

  it('hunts parents only where the enricher looks them up: rule or global setting on, never a public suffix', () => {
    const rules = [{ field: 'a', kind: 'domain' as const, parents: false }, { field: 'b', kind: 'domain' as const }];
    expect(retroHuntSearch({ kind: 'domain', value: 'evil.com' }, rules, options)?.clauses).toEqual([{ field: 'a', match: 'exact' }, { field: 'b', match: 'exact' }, { field: 'b', match: 'parent' }]);
    expect(retroHuntSearch({ kind: 'domain', value: 'evil.com' }, rules, { ...options, parentDomains: false })?.clauses.map((clause) => clause.match)).toEqual(['exact', 'exact']);
    for (const suffix of ['co.uk', 'github.io', 'com']) {
      expect(retroHuntSearch({ kind: 'domain', value: suffix }, rules, options)?.clauses.map((clause) => clause.match)).toEqual(['exact', 'exact']);
    }
    expect(retroHuntSearch({ kind: 'domain', value: 'x.github.io' }, rules, options)?.clauses.map((clause) => clause.match)).toEqual(['exact', 'exact', 'parent']);
  });

  it('keeps wildcard characters of a value literal, and searches nothing when no rule reads the kind', () => {
    expect(should(retroHuntSearch({ kind: 'domain', value: 'a*b.com' }, [{ field: 'f', kind: 'domain' }], options))[1]).toEqual({ wildcard: { f: { value: '*.a\\*b.com', case_insensitive: true, _name: 'q1' } } });
    expect(retroHuntSearch({ kind: 'sha512', value: 'ab' }, [{ field: 'f', kind: 'domain' }], options)).toBeUndefined();
    expect(retroHuntSearch({ kind: 'domain', value: 'evil.com' }, [{ field: 'f', kind: 'domain' }], { ...options, skipLiveMatched: false })?.body['query']).not.toHaveProperty('bool.must_not');
  });
});
