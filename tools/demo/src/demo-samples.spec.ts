import { buildDemoSamples } from './demo-samples';

describe('buildDemoSamples', () => {
  const indicators = { domain: 'evil.example', ip: '203.0.113.9', url: 'http://evil.example/x', sha256: 'a'.repeat(64) };
  const samples = buildDemoSamples('run-1', [{ dns: { question: { name: 'ok.example' } } }], [{ 'source.ip': '10.0.0.1' }], indicators);

  it('keeps every real event and labels each with the run', () => {
    const events = samples.filter((sample) => sample.value.startsWith('{"') && sample.value.endsWith('}')).map((sample) => JSON.parse(sample.value));
    expect(events.every((event) => event.labels.demo_run === 'run-1')).toBe(true);
    expect(events[0].dns.question.name).toBe('ok.example');
  });

  it('plants indicators the way logs write them', () => {
    const planted = samples.filter((sample) => sample.expectMatchOn).map((sample) => [sample.expectMatchOn, JSON.parse(sample.value)]);
    expect(planted.map(([field]) => field)).toEqual(['dns.question.name', 'source.ip', 'url.original', 'process.hash.sha256']);
    expect(planted[0]![1].dns.question.name).toBe('cdn.EVIL.EXAMPLE.');
  });

  it('ends with a record that is not JSON', () => {
    expect(() => JSON.parse(samples.at(-1)!.value)).toThrow();
  });
});
