/**
 * The passthrough's input: deterministic ECS JSON events of ~500 bytes (440–610), shaped like what
 * producers send to raw-logs (docs/producers.md): timestamps, ids, addresses, a domain, a URL, a
 * user agent and a log line. The content varies the way real logs do (repeated field names, a
 * limited vocabulary, random ids and addresses), so that compression ratios are not flattered by
 * filler text.
 */
const DATASETS = ['zeek.dns', 'nginx.access', 'suricata.eve', 'zeek.http', 'zeek.conn'];
const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'HEAD'];
const STATUS = [200, 200, 200, 200, 301, 304, 404, 403, 500];
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
  'curl/8.5.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15',
  'python-requests/2.31.0',
  'Go-http-client/1.1',
];
const WORDS = ['api', 'v1', 'v2', 'items', 'users', 'login', 'static', 'img', 'search', 'cart', 'assets', 'feed', 'auth', 'status'];

/**
 * mulberry32, as apps/enricher/bench/load-generator.ts uses (the bench project may not import an
 * app's files): small, fast and seeded, so every run loads the same bytes.
 */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateEcsEvents(count: number, seed = 14): Buffer[] {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const hex = (length: number): string => {
    let s = '';
    while (s.length < length) s += Math.floor(random() * 0x100000000).toString(16).padStart(8, '0');
    return s.slice(0, length);
  };
  const ip = (): string => `${10 + Math.floor(random() * 200)}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}`;
  const values: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const domain = `${pick(['www', 'cdn', 'api', 'mail', 'static'])}.site${Math.floor(Math.pow(random(), 3) * 50_000)}.example.org`;
    const path = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(WORDS)).join('/');
    const method = pick(METHODS);
    const status = pick(STATUS);
    const bytes = Math.floor(random() * 90_000);
    const sourceIp = ip();
    const event = {
      '@timestamp': new Date(1_735_689_600_000 + i * 3 + Math.floor(random() * 3)).toISOString(),
      event: { id: hex(16), dataset: DATASETS[i % DATASETS.length], kind: 'event', category: ['network'] },
      source: { ip: sourceIp, port: 1024 + Math.floor(random() * 64_000) },
      destination: { domain, port: pick([443, 443, 80, 8443]) },
      http: { request: { method }, response: { status_code: status, bytes } },
      url: { full: `https://${domain}/${path}` },
      user_agent: { original: pick(AGENTS) },
      message: `"${method} /${path} HTTP/1.1" ${status} ${bytes}`,
    };
    values.push(Buffer.from(JSON.stringify(event)));
  }
  return values;
}
