import { buildDemoSamples, distinctQuestions } from './demo-samples';

describe('buildDemoSamples', () => {
  const indicators = { mispDomain: 'evil.example', mispIp: '203.0.113.9', mispUrl: 'http://evil.example/x', feedSha256: 'a'.repeat(64), sharedSha256: 'b'.repeat(64) };
  const dns = (name: string, type = 'A', answered = false) => ({ dns: { question: { name, type }, response_code: 'NOERROR', ...(answered ? { answers: [{ data: '192.0.2.1' }] } : {}) } });
  const logs = {
    zeekDns: [dns('ok.example', 'AAAA'), dns('ok.example', 'AAAA'), dns('ok.example', 'A', true)],
    zeekHttp: [{ url: { original: '/a', domain: 'www.example' } }, { url: { original: '/b', domain: 'www.example' } }],
    nginx: [{ 'source.ip': '10.0.0.1' }],
  };
  const samples = buildDemoSamples('run-1', logs, indicators);
  const events = samples.filter((sample) => sample.value.startsWith('{"') && sample.value.endsWith('}')).map((sample) => JSON.parse(sample.value));

  it('keeps each distinct DNS question and HTTP host once, every nginx line, labelled with the run', () => {
    expect(events.every((event) => event.labels.demo_run === 'run-1')).toBe(true);
    expect(samples.slice(0, 4).map((sample) => sample.label)).toEqual(['zeek dns ok.example AAAA NOERROR', 'zeek dns ok.example A NOERROR', 'zeek http GET www.example', 'nginx access #1']);
    expect(new Set(samples.map((sample) => sample.label)).size).toBe(samples.length);
  });

  it('plants indicators of both sources the way logs write them, each row saying it is planted', () => {
    const planted = samples.filter((sample) => sample.expectMatchOn).map((sample) => [sample.label, sample.expectMatchOn, JSON.parse(sample.value)]);
    expect(planted.map(([, field]) => field)).toEqual(['dns.question.name', 'source.ip', 'url.original', 'process.hash.sha256', 'file.hash.sha256']);
    expect(planted.every(([label]) => String(label).startsWith('planted: '))).toBe(true);
    expect(planted[0]![2].dns).toMatchObject({ question: { name: 'cdn.EVIL.EXAMPLE.', type: 'A' }, answers: [{ data: '192.0.2.1' }] });
    expect(planted[2]![2]).toMatchObject({ url: { original: 'http://evil.example/x', domain: 'evil.example' }, destination: { domain: 'evil.example' } });
    expect(planted[3]![2].process.hash.sha256).toBe('A'.repeat(64));
  });

  it('ends with a record that is not JSON', () => {
    expect(() => JSON.parse(samples.at(-1)!.value)).toThrow();
  });
});

describe('distinctQuestions', () => {
  it('keeps the first event of each name, type and response code', () => {
    const q = (name: string, type: string, rcode?: string) => ({ dns: { question: { name, type }, ...(rcode ? { response_code: rcode } : {}) } });
    expect(distinctQuestions([q('a', 'A'), q('a', 'A'), q('a', 'AAAA'), q('a', 'A', 'NXDOMAIN')])).toEqual([q('a', 'A'), q('a', 'AAAA'), q('a', 'A', 'NXDOMAIN')]);
  });
});
