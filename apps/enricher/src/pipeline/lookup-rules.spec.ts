import { DEFAULT_LOOKUP_RULES, LookupRulesError, parseLookupRules } from './lookup-rules';

describe('DEFAULT_LOOKUP_RULES', () => {
  it('covers the ECS fields the issue lists, each once', () => {
    const fields = DEFAULT_LOOKUP_RULES.map((rule) => rule.field);
    expect(new Set(fields).size).toBe(fields.length);
    expect(fields).toEqual(
      expect.arrayContaining([
        'destination.domain', 'source.domain', 'dns.question.name', 'url.domain', 'url.full', 'url.original',
        'source.ip', 'destination.ip', 'client.ip', 'server.ip', 'related.ip', 'related.hosts',
        'file.hash.md5', 'file.hash.sha1', 'file.hash.sha256', 'process.hash.md5', 'process.hash.sha1', 'process.hash.sha256',
        'email.from.address', 'email.to.address',
      ]),
    );
  });
});

describe('parseLookupRules', () => {
  it('reads an object of field → kind', () => {
    expect(parseLookupRules('{"destination.domain":"domain","source.ip":"ip"}')).toEqual([
      { field: 'destination.domain', kind: 'domain' },
      { field: 'source.ip', kind: 'ip' },
    ]);
  });

  it('reads rule objects with one or several fields and a parents override', () => {
    expect(parseLookupRules('[{"field":"dns.question.name","kind":"domain","parents":false},{"fields":["url.full","url.original"],"kind":"url"}]')).toEqual([
      { field: 'dns.question.name', kind: 'domain', parents: false },
      { field: 'url.full', kind: 'url' },
      { field: 'url.original', kind: 'url' },
    ]);
  });

  it("reads the seed's Logstash memcached get key, alone or in a list", () => {
    expect(parseLookupRules('"domain-%{[destination][domain]}"')).toEqual([{ field: 'destination.domain', kind: 'domain' }]);
    expect(parseLookupRules('["sha256-%{[file][hash][sha256]}", {"field":"source.ip","kind":"ip"}]')).toEqual([
      { field: 'file.hash.sha256', kind: 'sha256' },
      { field: 'source.ip', kind: 'ip' },
    ]);
  });

  it('reads MISP-type namespaces of seed keys as their kind', () => {
    expect(parseLookupRules('["ip-dst-%{[destination][ip]}", "hostname-%{[url][domain]}"]')).toEqual([
      { field: 'destination.ip', kind: 'ip' },
      { field: 'url.domain', kind: 'domain' },
    ]);
  });

  it('drops duplicate rules', () => {
    expect(parseLookupRules('["domain-%{[destination][domain]}", {"field":"destination.domain","kind":"domain"}]')).toHaveLength(1);
  });

  it.each([
    ['not JSON', '{'],
    ['a number', '5'],
    ['an empty list', '[]'],
    ['an unknown kind', '{"destination.domain":"hostname"}'],
    ['an empty path segment', '{"destination..domain":"domain"}'],
    ['a template with a foreign namespace', '"regkey-%{[registry][path]}"'],
    ['a template without field reference', '"domain-destination.domain"'],
    ['both field and fields', '[{"field":"a","fields":["b"],"kind":"ip"}]'],
    ['an unknown key', '[{"field":"a","kind":"ip","target":"x"}]'],
    ['a non-boolean parents', '[{"field":"a","kind":"domain","parents":"no"}]'],
  ])('refuses %s with a coded error', (_name, json) => {
    expect(() => parseLookupRules(json)).toThrow(LookupRulesError);
  });
});
