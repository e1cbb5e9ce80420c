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

  it('reads a bare field reference in a key template the same as the bracket form', () => {
    expect(parseLookupRules('["domain-%{destination.domain}", "ip-src-%{source.ip}"]')).toEqual([
      { field: 'destination.domain', kind: 'domain' },
      { field: 'source.ip', kind: 'ip' },
    ]);
  });

  describe("the memcached filter's get hash pasted from a Logstash config", () => {
    const domain = [{ field: 'destination.domain', kind: 'domain' }];
    it.each<[string, string, unknown[]]>([
      ["the seed's line", 'get => { "domain-%{[destination][domain]}" => "[misp_src]" }', domain],
      ['a bare field reference', 'get => { "domain-%{destination.domain}" => "[misp_src]" }', domain],
      ['the hash alone', '{ "domain-%{[destination][domain]}" => "[misp_src]" }', domain],
      ['single quotes and a bareword target', "get=>{'domain-%{[destination][domain]}'=>misp_src}", domain],
      ['the option name quoted', '"get" => { "domain-%{[destination][domain]}" => "[misp_src]" }', domain],
      [
        'several entries on several lines, with comments',
        `# the seed's lookups
get => {
  "domain-%{[destination][domain]}" => "[misp_src]"   # ECS destination
  "ip-dst-%{[destination][ip]}" => "[misp_src]"
  # hashes too
  "sha256-%{[file][hash][sha256]}" =>
      "[misp_src]"
}
`,
        [
          { field: 'destination.domain', kind: 'domain' },
          { field: 'destination.ip', kind: 'ip' },
          { field: 'file.hash.sha256', kind: 'sha256' },
        ],
      ],
      ['a comment at the very end, without a newline', 'get => { "md5-%{[fileinfo][md5]}" => "[misp_src]" } # done', [{ field: 'fileinfo.md5', kind: 'md5' }]],
      ['the same lookup twice', '{ "domain-%{[destination][domain]}" => "[misp_src]" "domain-%{destination.domain}" => "[misp_src]" }', domain],
    ])('reads %s with the meaning of the JSON form', (_name, text, rules) => {
      expect(parseLookupRules(text)).toEqual(rules);
    });

    it.each([
      ['a comma between entries', '{ "domain-%{[a][b]}" => "[misp_src]", "ip-%{[c]}" => "[misp_src]" }', 'line 1 column 37: Logstash separates hash entries with white space, not commas'],
      ['a missing =>', 'get => { "domain-%{[a][b]}" "[misp_src]" }', 'line 1 column 29: expected => after the key'],
      ['an unclosed hash', 'get => { "domain-%{[a][b]}" => "[misp_src]"', 'the get hash is not closed with }'],
      ['an unclosed string', 'get => { "domain-%{[a][b]} => "[misp_src]" }', 'expected => after the key'],
      ['an empty hash', 'get => { }', 'the get hash is empty'],
      ['another option', 'set => { "domain-%{[a][b]}" => "[misp_src]" }', 'neither JSON nor a Logstash get hash'],
      ['another target field', 'get => { "domain-%{[destination][domain]}" => "[threat_src]" }', 'line 1 column 10: target "[threat_src]": the enricher writes [misp_src] only'],
      ['a template with text after the reference', 'get => { "domain-%{[destination][domain]}.x" => "[misp_src]" }', 'is not a key template'],
      ['a template without a namespace', 'get => { "%{[destination][domain]}" => "[misp_src]" }', 'is not a key template'],
      ['an unknown namespace', 'get => { "regkey-%{[registry][path]}" => "[misp_src]" }', 'unknown kind "regkey"'],
      ['a broken bracket reference', 'get => { "domain-%{[destination]domain]}" => "[misp_src]" }', 'is not a field reference'],
      ['an unquoted key', 'get => { domain => "[misp_src]" }', 'expected a quoted key'],
      ['an array as target', 'get => { "domain-%{[a]}" => ["[misp_src]"] }', 'expected the target field'],
      ['text after the hash', 'get => { "domain-%{[a]}" => "[misp_src]" } get => {}', 'unexpected text after the get hash'],
      ['a second line that breaks', 'get => {\n  "domain-%{[a]}" => "[misp_src]"\n  "ip-%{[b]}" = "[misp_src]"\n}', 'line 3 column 15: expected => after the key'],
    ])('refuses %s with one clear error', (_name, text, message) => {
      const source = text.replace(/\\n/g, '\n');
      let error: unknown;
      try {
        parseLookupRules(source);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(LookupRulesError);
      expect((error as Error).message).toContain(message);
      expect((error as Error).message.split('\n')).toHaveLength(1);
    });
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
