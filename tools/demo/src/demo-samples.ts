/**
 * The demo's input. Real log events from the repository's fixtures — Zeek's own dns.log and
 * http.log as ECS (each distinct DNS question once, one HTTP request per host) and filebeat's
 * nginx documents (flattened ECS) — plus copies of some of them with one field set to a real
 * indicator. The fixtures' logs and intelligence come from unrelated public sources, so no real
 * line matches anything; a hit has to be planted, and every planted row says so and where its
 * value comes from: the MISP stand-in's events (served under feed tags) or the MISP feed
 * misp-sync reads directly. Planted values are written the way logs write them (mixed case,
 * trailing dot, a subdomain) to show normalisation and parent-domain matching.
 */

export interface DemoIndicators {
  /** From a MISP event (Sednit, tagged Feed-Botvrij in the demo). */
  readonly mispDomain: string;
  /** From a MISP event (HIDDEN COBRA, Feed-CIRCL-OSINT). */
  readonly mispIp: string;
  /** From a MISP event (Ursnif, Feed-URLhaus). */
  readonly mispUrl: string;
  /** Only in the MISP feed (Xorist). */
  readonly feedSha256: string;
  /** In a MISP event and in the feed (Cerber). */
  readonly sharedSha256: string;
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

export interface DemoLogs {
  readonly zeekDns: readonly Json[];
  readonly zeekHttp: readonly Json[];
  readonly nginx: readonly Json[];
}

const field = (event: Json, ...keys: string[]): unknown => keys.reduce<unknown>((value, key) => (value as Json | undefined)?.[key], event);

/** Each distinct DNS question (name, type, response code) once, in log order. */
export function distinctQuestions(zeekDns: readonly Json[]): Json[] {
  const seen = new Set<string>();
  return zeekDns.filter((event) => {
    const key = JSON.stringify([field(event, 'dns', 'question', 'name'), field(event, 'dns', 'question', 'type'), field(event, 'dns', 'response_code')]);
    return !seen.has(key) && Boolean(seen.add(key));
  });
}

export function buildDemoSamples(runId: string, logs: DemoLogs, indicators: DemoIndicators): DemoSample[] {
  const samples: DemoSample[] = [];
  const add = (label: string, event: Json, expectMatchOn?: string): void => {
    const labelled = { ...event, labels: { ...(event['labels'] as Json | undefined), demo_run: runId, demo_sample: label } };
    samples.push({ label, value: JSON.stringify(labelled), ...(expectMatchOn ? { expectMatchOn } : {}) });
  };
  const now = new Date().toISOString();

  const dnsEvents = distinctQuestions(logs.zeekDns);
  const question = (event: Json): string =>
    [field(event, 'dns', 'question', 'name'), field(event, 'dns', 'question', 'type'), field(event, 'dns', 'response_code')].filter((part) => part !== undefined).join(' ');
  dnsEvents.forEach((event) => add(`zeek dns ${question(event)}`, event));
  const httpHosts = new Set<unknown>();
  const httpEvents = logs.zeekHttp.filter((event) => !httpHosts.has(field(event, 'url', 'domain')) && Boolean(httpHosts.add(field(event, 'url', 'domain'))));
  httpEvents.forEach((event) => add(`zeek http GET ${String(field(event, 'url', 'domain'))}`, event));
  logs.nginx.forEach((event, i) => add(`nginx access #${i + 1}`, event));

  const dns = dnsEvents.find((event) => field(event, 'dns', 'answers') !== undefined) ?? dnsEvents[0] ?? {};
  add(
    'planted: zeek dns, query for a subdomain of a MISP domain',
    { ...dns, dns: { ...(dns['dns'] as Json), question: { ...(field(dns, 'dns', 'question') as Json), name: `cdn.${indicators.mispDomain.toUpperCase()}.` } } },
    'dns.question.name',
  );
  add('planted: nginx, request from a MISP ip-dst', { ...(logs.nginx[0] ?? {}), 'source.ip': indicators.mispIp, 'source.address': indicators.mispIp }, 'source.ip');
  const http = httpEvents[0] ?? {};
  const urlHost = new URL(indicators.mispUrl).hostname;
  add(
    'planted: zeek http, GET of a MISP url',
    { ...http, destination: { ...(http['destination'] as Json), domain: urlHost }, url: { original: indicators.mispUrl, domain: urlHost } },
    'url.original',
  );
  add(
    'planted: endpoint, process with a feed sha256',
    { '@timestamp': now, event: { category: ['process'] }, process: { name: 'dropper.exe', hash: { sha256: indicators.feedSha256.toUpperCase() } } },
    'process.hash.sha256',
  );
  add(
    'planted: endpoint, file with a sha256 MISP and the feed share',
    { '@timestamp': now, event: { category: ['file'] }, file: { name: 'a5ff5f.exe', hash: { sha256: indicators.sharedSha256 } } },
    'file.hash.sha256',
  );
  add('a domain that only ends like a MISP domain (no match)', { '@timestamp': now, destination: { domain: `not${indicators.mispDomain}` } });
  add('memcached command injection attempt (no match, no effect)', { '@timestamp': now, destination: { domain: 'x\r\nflush_all' } });
  samples.push({ label: 'not JSON (dead-lettered)', value: '{"@timestamp": "truncated' });
  return samples;
}
