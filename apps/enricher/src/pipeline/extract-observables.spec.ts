import { compileRules, extractObservables } from './extract-observables';
import { DEFAULT_LOOKUP_RULES } from './lookup-rules';

const rules = compileRules(DEFAULT_LOOKUP_RULES, true);

describe('extractObservables', () => {
  it('normalises values of every rule: case, trailing dot, IDN, URLs, addresses, hashes, emails', () => {
    const result = extractObservables(
      {
        destination: { domain: 'WWW.Evil.COM.', ip: '::ffff:10.0.0.1' },
        dns: { question: { name: 'münchen.de' } },
        url: { full: 'HTTP://Evil.com:80/a?b#frag' },
        file: { hash: { sha256: 'A'.repeat(64) } },
        email: { from: { address: 'Bad@Evil.COM' } },
      },
      rules,
      100,
    );
    expect(result).toEqual({
      ok: true,
      observations: [
        { field: 'destination.domain', kind: 'domain', value: 'www.evil.com', parents: true },
        { field: 'dns.question.name', kind: 'domain', value: 'xn--mnchen-3ya.de', parents: true },
        { field: 'url.full', kind: 'url', value: 'http://evil.com/a?b', parents: false },
        { field: 'destination.ip', kind: 'ip', value: '10.0.0.1', parents: false },
        { field: 'file.hash.sha256', kind: 'sha256', value: 'a'.repeat(64), parents: false },
        { field: 'email.from.address', kind: 'email', value: 'bad@evil.com', parents: false },
      ],
      unchecked: 0,
    });
  });

  it('reads dotted keys as Filebeat writes them, and every string of an array', () => {
    const result = extractObservables({ 'source.ip': '1.2.3.4', related: { ip: ['1.2.3.4', '5.6.7.8', '1.2.3.4'] } }, rules, 100);
    expect(result.ok && result.observations.map((o) => `${o.field}=${o.value}`)).toEqual(['source.ip=1.2.3.4', 'related.ip=1.2.3.4', 'related.ip=5.6.7.8']);
  });

  it('skips values that are not observables of the kind', () => {
    const result = extractObservables({ source: { ip: '-', domain: 'not a domain' }, file: { hash: { md5: 'xyz' } } }, rules, 100);
    expect(result).toEqual({ ok: true, observations: [], unchecked: 0 });
  });

  it('keeps the value of an injection attempt as data: a CR/LF domain is not a domain', () => {
    const result = extractObservables({ destination: { domain: 'x\r\nflush_all' } }, rules, 100);
    expect(result).toEqual({ ok: true, observations: [], unchecked: 0 });
  });

  it.each([
    ['a number', { source: { ip: 5 } }],
    ['an object', { destination: { domain: { name: 'evil.com' } } }],
    ['an array holding a number', { related: { ip: ['1.2.3.4', 7] } }],
    ['a boolean', { url: { full: true } }],
  ])('rejects %s in a lookup field as field_type', (_name, event) => {
    const result = extractObservables(event, rules, 100);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.rejection.reason).toBe('field_type');
  });

  it('takes at most maxObservations per event and counts the distinct observables beyond them as unchecked', () => {
    const hosts = Array.from({ length: 50 }, (_, i) => `h${i}.example.com`);
    // duplicates and values that are no observable are not counted
    const result = extractObservables({ related: { hosts: [...hosts, ...hosts, 'not a host', ''] } }, rules, 10);
    expect(result.ok && result.observations.map((o) => o.value)).toEqual(hosts.slice(0, 10));
    expect(result.ok && result.unchecked).toBe(40);
    expect(extractObservables({ related: { hosts } }, rules, 50)).toMatchObject({ ok: true, unchecked: 0 });
  });

  it('applies a per-rule parent override only to domains', () => {
    const compiled = compileRules([{ field: 'a', kind: 'domain', parents: false }, { field: 'b', kind: 'domain' }, { field: 'c', kind: 'ip' }], true);
    expect(compiled.map((rule) => rule.parents)).toEqual([false, true, false]);
  });

  // The observations are collected in one array reused by every event: nothing may carry over.
  it('carries nothing from one event to the next: not after a rejection, a throw, nor a hostile event of thousands of values', () => {
    const many = Array.from({ length: 3000 }, (_, i) => `10.0.${i >> 8}.${i & 255}`);
    const hostile = extractObservables({ related: { ip: [...many, ...many] } }, rules, 100);
    expect(hostile).toMatchObject({ ok: true, unchecked: 2900 });
    expect(hostile.ok && hostile.observations).toHaveLength(100);
    expect(extractObservables({ related: { ip: ['10.0.0.1', 7] }, source: { ip: '1.2.3.4' } }, rules, 100).ok).toBe(false);
    const throwing = ['10.0.0.1'];
    Object.defineProperty(throwing, 1, { enumerable: true, get: () => { throw new Error('boom'); } });
    expect(() => extractObservables({ related: { ip: throwing } }, rules, 100)).toThrow('boom');
    // the same values again are observations of this event, not duplicates of the earlier ones
    const next = extractObservables({ source: { ip: '10.0.0.1' }, related: { ip: ['10.0.0.1', '10.0.0.2'] } }, rules, 100);
    expect(next.ok && next.observations.map((o) => `${o.field}=${o.value}`)).toEqual(['source.ip=10.0.0.1', 'related.ip=10.0.0.1', 'related.ip=10.0.0.2']);
    expect(next).toMatchObject({ unchecked: 0 });
    // one event's array is its own: a later extraction does not change it
    const first = extractObservables({ source: { ip: '1.1.1.1' } }, rules, 100);
    extractObservables({ source: { ip: '2.2.2.2' } }, rules, 100);
    expect(first.ok && first.observations.map((o) => o.value)).toEqual(['1.1.1.1']);
  });
});
