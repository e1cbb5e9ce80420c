/**
 * The demo's input: real log events from the shared fixtures (Zeek DNS as ECS, nginx access as
 * flattened ECS), plus copies of some of them carrying real indicators from the MISP fixture
 * events — the fixtures' logs and MISP events are unrelated, so a hit has to be planted
 * (fixtures/SOURCES.md, "Known overlaps"). Planted values are written the way logs write them
 * (mixed case, trailing dot, a subdomain) to show normalisation and parent-domain matching.
 */

export interface DemoIndicators {
  readonly domain: string;
  readonly ip: string;
  readonly url: string;
  readonly sha256: string;
}

export interface DemoSample {
  /** What the sample shows; also stored in the event as `labels.demo_sample`. */
  readonly label: string;
  /** The field the demo expects to match, or undefined for a miss. */
  readonly expectMatchOn?: string;
  /** The raw Kafka record value (JSON for events; anything for bad input). */
  readonly value: string;
}

type Json = Record<string, unknown>;

export function buildDemoSamples(runId: string, zeekDns: readonly Json[], nginx: readonly Json[], indicators: DemoIndicators): DemoSample[] {
  const samples: DemoSample[] = [];
  const add = (label: string, event: Json, expectMatchOn?: string): void => {
    const labelled = { ...event, labels: { ...(event['labels'] as Json | undefined), demo_run: runId, demo_sample: label } };
    samples.push({ label, value: JSON.stringify(labelled), ...(expectMatchOn ? { expectMatchOn } : {}) });
  };

  zeekDns.forEach((event, i) => add(`zeek dns #${i + 1}`, event));
  nginx.forEach((event, i) => add(`nginx access #${i + 1}`, event));

  const dns = zeekDns[0] ?? {};
  const dnsQuestion = (dns['dns'] as Json | undefined)?.['question'] as Json | undefined;
  add(
    'dns query for a subdomain of a MISP domain',
    { ...dns, dns: { ...(dns['dns'] as Json), question: { ...dnsQuestion, name: `cdn.${indicators.domain.toUpperCase()}.` } } },
    'dns.question.name',
  );
  const access = nginx[0] ?? {};
  add('nginx request from a MISP ip-dst', { ...access, 'source.ip': indicators.ip, 'source.address': indicators.ip }, 'source.ip');
  add('proxy log with a MISP url', { '@timestamp': new Date().toISOString(), event: { category: ['web'] }, url: { original: indicators.url } }, 'url.original');
  add(
    'endpoint process with a MISP sha256',
    { '@timestamp': new Date().toISOString(), event: { category: ['process'] }, process: { name: 'dropper.exe', hash: { sha256: indicators.sha256.toUpperCase() } } },
    'process.hash.sha256',
  );
  add('a domain that only ends like a MISP domain (no match)', {
    '@timestamp': new Date().toISOString(),
    destination: { domain: `not${indicators.domain}` },
  });
  add('memcached command injection attempt (no match, no effect)', {
    '@timestamp': new Date().toISOString(),
    destination: { domain: 'x\r\nflush_all' },
  });
  samples.push({ label: 'not JSON (dead-lettered)', value: '{"@timestamp": "truncated' });
  return samples;
}
