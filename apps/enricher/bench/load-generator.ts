/**
 * Load for the enricher benchmark: ECS JSON events of 300–800 bytes whose domains are drawn
 * Zipf-like (a few hot names, a long tail), with a configurable share hitting an indicator.
 * Deterministic for a seed so that every variant of a run consumes the same bytes.
 */

/** mulberry32: a small, fast, seeded PRNG (values in [0, 1)). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Index in [0, n) with P(k) ∝ 1/(k+1)^s, by binary search on the cumulative weights. */
export function zipfSampler(n: number, s: number, random: () => number): () => number {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) {
    total += 1 / Math.pow(k + 1, s);
    cdf[k] = total;
  }
  return () => {
    const target = random() * total;
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((cdf[mid] as number) < target) low = mid + 1;
      else high = mid;
    }
    return low;
  };
}

export interface LoadOptions {
  readonly events: number;
  /** Share of events whose destination.domain is (a subdomain of) an indicator. */
  readonly hitRate: number;
  /** Indicator domains to hit (drawn Zipf-like too). */
  readonly indicatorDomains: readonly string[];
  /** Distinct benign domains. */
  readonly benignDomains: number;
  readonly seed: number;
}

const DATASETS = ['zeek.dns', 'nginx.access', 'suricata.eve', 'zeek.http'];
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
  'curl/8.5.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15',
];

/** The events as bytes, ready to produce; `hits` counts the events built to hit. */
export function generateEvents(options: LoadOptions): { values: Buffer[]; hits: number } {
  const random = seededRandom(options.seed);
  const benign = zipfSampler(options.benignDomains, 1.1, random);
  const bad = zipfSampler(Math.max(1, options.indicatorDomains.length), 1.1, random);
  const values: Buffer[] = [];
  let hits = 0;
  for (let i = 0; i < options.events; i++) {
    const hit = random() < options.hitRate;
    let domain: string;
    if (hit) {
      hits++;
      const indicator = options.indicatorDomains[bad()] as string;
      domain = random() < 0.5 ? indicator : `cdn${Math.floor(random() * 10)}.${indicator}`;
    } else {
      domain = `www.site${benign()}.example.org`;
    }
    const event = {
      '@timestamp': new Date(1_735_689_600_000 + i * 10).toISOString(),
      event: { dataset: DATASETS[i % DATASETS.length], kind: 'event', category: ['network'] },
      source: { ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, port: 1024 + (i % 60000) },
      destination: { domain, ip: `203.0.113.${i % 254}`, port: 443 },
      url: { full: `https://${domain}/path/${i % 977}?q=${i}` },
      user_agent: { original: AGENTS[i % AGENTS.length] },
      message: 'x'.repeat(Math.floor(random() * 330)),
    };
    values.push(Buffer.from(JSON.stringify(event)));
  }
  return { values, hits };
}
