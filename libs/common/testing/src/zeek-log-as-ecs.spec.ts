import { readFileSync } from 'node:fs';
import { fixturePath } from './fixtures-dir';
import { zeekLogAsEcs } from './zeek-log-as-ecs';

const read = (name: string): string => readFileSync(fixturePath(`zeek/testing/btest/Baseline/opt.basic/${name}`), 'utf8');

describe('zeekLogAsEcs', () => {
  const dns = zeekLogAsEcs(read('dns.log'), { start: new Date('2026-01-02T03:04:05.000Z') });

  it('maps a dns.log record to ECS: endpoints, question, answers, resolved and related IPs, the original line', () => {
    expect(dns).toHaveLength(34);
    const { event, ...rest } = dns[5]!;
    expect(rest).toEqual({
      '@timestamp': '2026-01-02T03:04:05.005Z',
      source: { ip: '141.142.220.118', port: 40526 },
      destination: { ip: '141.142.2.2', port: 53 },
      network: { transport: 'udp', protocol: 'dns' },
      dns: {
        id: '26096',
        type: 'answer',
        question: { name: 'upload.wikimedia.org', type: 'A', class: 'IN' },
        response_code: 'NOERROR',
        header_flags: ['RD', 'RA'],
        answers: [
          { data: 'upload.pmtpa.wikimedia.org', ttl: 124 },
          { data: '208.80.152.3', ttl: 2156 },
        ],
        resolved_ip: ['208.80.152.3'],
      },
      related: { ip: ['141.142.220.118', '141.142.2.2', '208.80.152.3'] },
      zeek: { session_id: 'C37jN32gN3y3AZzyf6' },
    });
    expect(event).toMatchObject({ kind: 'event', dataset: 'zeek.dns', id: 'C37jN32gN3y3AZzyf6', original: expect.stringContaining('upload.wikimedia.org\t1\tC_INTERNET') });
  });

  it('leaves out what Zeek left unset (a query without an answer has no dns.answers or response code)', () => {
    expect(dns[0]!['dns']).toEqual({ id: '0', type: 'query', question: { name: 'gemini._sftp-ssh._tcp.local', type: 'SRV', class: 'IN' } });
  });

  it('maps an http.log record: host as destination.domain and url.domain, the request path as url.original', () => {
    const [first] = zeekLogAsEcs(read('http.log'));
    expect(first).toMatchObject({
      '@timestamp': '2011-03-18T19:06:08.000Z',
      destination: { ip: '208.80.152.118', port: 80, domain: 'bits.wikimedia.org' },
      url: { original: '/skins-1.5/monobook/main.css', domain: 'bits.wikimedia.org' },
      http: { request: { method: 'GET', referrer: 'http://www.wikipedia.org/' }, response: { status_code: 304 } },
      related: { hosts: ['bits.wikimedia.org'] },
    });
  });

  it('keeps a real timestamp and refuses a log it has no mapping for', () => {
    const log = (path: string): string => `#separator \\x09\n#path\t${path}\n#fields\tts\tuid\tquery\n#types\ttime\tstring\tstring\n1300475168.5\tCx\tevil.example\n`;
    expect(zeekLogAsEcs(log('dns'))[0]).toMatchObject({ '@timestamp': '2011-03-18T19:06:08.500Z', dns: { question: { name: 'evil.example' } } });
    expect(() => zeekLogAsEcs(log('conn'))).toThrow(/no ECS mapping for Zeek's conn log/);
  });
});
