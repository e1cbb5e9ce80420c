/** One known indicator the stand-in serves, and the feed name `misp_src` must then say. */
export interface KnownIndicator {
  readonly domain: string;
  readonly feed: string;
}

/**
 * Where an input must end up. `indexed`: in Elasticsearch once, with this `misp_src`.
 * `dead-letter`: in a dead-letter topic with a reason header. `either`: a hostile input that
 * one stage may legitimately accept and another refuse (e.g. deep nesting: valid JSON for the
 * enricher, over Elasticsearch's depth limit) — it must still be in exactly one of the two, and
 * when indexed, carry `mispSrc` if one is given.
 */
export type Expectation = { readonly kind: 'indexed'; readonly mispSrc: string } | { readonly kind: 'dead-letter' } | { readonly kind: 'either'; readonly mispSrc?: string };

/** One input record: `id` rides in the Kafka key and the `fault-id` header (and `event.id` when JSON). */
export interface PlannedEvent {
  readonly id: string;
  readonly value: string | Buffer;
  readonly expected: Expectation;
}

export const FAULT_ID_HEADER = 'fault-id';

/**
 * `count` ECS JSON events with unique ids `<runId>-<n>`. Every fourth carries a known indicator
 * (alternately as `destination.domain` and as a subdomain in `dns.question.name`, which the
 * enricher matches on label boundaries); the rest carry domains no feed lists, so their
 * `misp_src` must be "none". `start` continues a numbering for a second wave.
 */
export function generateEvents(runId: string, count: number, indicators: readonly KnownIndicator[], start = 0): PlannedEvent[] {
  if (indicators.length === 0) throw new Error('generateEvents needs at least one indicator');
  const events: PlannedEvent[] = [];
  for (let n = start; n < start + count; n++) {
    const id = `${runId}-${n}`;
    const base = { '@timestamp': new Date().toISOString(), event: { id, kind: 'event', dataset: 'faults' }, source: { ip: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` }, message: `fault-suite event ${n}` };
    if (n % 4 === 0) {
      const indicator = indicators[(n / 4) % indicators.length]!;
      const observed = (n / 4) % 2 === 0 ? { destination: { domain: indicator.domain } } : { dns: { question: { name: `www.${indicator.domain}` } } };
      events.push({ id, value: JSON.stringify({ ...base, ...observed }), expected: { kind: 'indexed', mispSrc: indicator.feed } });
    } else {
      events.push({ id, value: JSON.stringify({ ...base, destination: { domain: `benign-${n}.example.org` } }), expected: { kind: 'indexed', mispSrc: 'none' } });
    }
  }
  return events;
}
