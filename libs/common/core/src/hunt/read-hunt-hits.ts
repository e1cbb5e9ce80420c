import type { IndicatorRecord } from '../indicator-record';
import type { RetrospectiveHitInput, ThreatHitMatch } from '../threat-hit';
import type { HuntClause } from './retro-hunt-search';

/** One document of a retro-hunt search answer (`hits.hits[]`), as Elasticsearch returns it. */
export interface HuntSearchHit {
  readonly _index?: unknown;
  readonly _id?: unknown;
  readonly _source?: unknown;
  readonly matched_queries?: unknown;
}

/**
 * The retrospective hits of one search answer: one per (document, matched field), built for
 * `buildThreatHit`. `matched_queries` names the clauses (`q<position>` of `clauses`) that matched;
 * a field matched both exactly and as a parent counts once, as exact. The matched value
 * (`atomic`) is the indicator's value for an exact match of a domain, e-mail or hash (the same
 * value, whatever case the log used), else the document's own value at the field: the address a
 * range contains, the subdomain of a parent match (lower-cased, trailing dot dropped), falling
 * back to the indicator's value when the source does not hold a fitting string. Documents without
 * `_index` or `_id`, or matching no known clause, give nothing.
 */
export function readHuntHits(hits: readonly HuntSearchHit[], clauses: readonly HuntClause[], indicator: IndicatorRecord, atMs: number): RetrospectiveHitInput[] {
  const latest = latestAttribute(indicator);
  const inputs: RetrospectiveHitInput[] = [];
  for (const hit of hits) {
    if (typeof hit._index !== 'string' || typeof hit._id !== 'string') continue;
    const source = isObject(hit._source) ? hit._source : {};
    const byField = new Map<string, HuntClause['match']>();
    for (const name of Array.isArray(hit.matched_queries) ? (hit.matched_queries as unknown[]) : []) {
      const clause = typeof name === 'string' && /^q\d+$/.test(name) ? clauses[Number(name.slice(1))] : undefined;
      if (clause === undefined) continue;
      if (byField.get(clause.field) !== 'exact') byField.set(clause.field, clause.match);
    }
    for (const [field, match] of byField) {
      const huntMatch: ThreatHitMatch = {
        field,
        atomic: matchedValue(source, field, match, indicator),
        kind: indicator.kind,
        indicator: indicator.value,
        feeds: indicator.feeds,
        ...(latest === undefined ? {} : { eventUuid: latest.eventUuid, attributeUuid: latest.attributeUuid, ...(latest.tlp === undefined ? {} : { tlp: latest.tlp }) }),
      };
      inputs.push({ mode: 'retrospective', document: { index: hit._index, id: hit._id }, eventTimestamp: source['@timestamp'], match: huntMatch, atMs });
    }
  }
  return inputs;
}

function matchedValue(source: Readonly<Record<string, unknown>>, field: string, match: HuntClause['match'], indicator: IndicatorRecord): string {
  if (match === 'exact' && indicator.kind !== 'ip' && indicator.kind !== 'url' && indicator.kind !== 'uri') return indicator.value;
  const values = fieldStrings(source, field.split('.'));
  if (match === 'parent') {
    const suffix = `.${indicator.value}`;
    for (const value of values) {
      const domain = value.toLowerCase().replace(/\.$/, '');
      if (domain.endsWith(suffix)) return domain;
    }
    return indicator.value;
  }
  // an ip: the one address the term matched is not marked; one value is the usual case
  return values.length === 1 ? (values[0] as string) : indicator.value;
}

/** The strings at a dotted path, whether the source nests objects (`{"a":{"b":…}}`) or dots keys (`{"a.b":…}`); arrays are walked. */
function fieldStrings(value: unknown, segments: readonly string[]): string[] {
  if (Array.isArray(value)) return (value as unknown[]).flatMap((item) => fieldStrings(item, segments));
  if (segments.length === 0) return typeof value === 'string' ? [value] : [];
  if (!isObject(value)) return [];
  const found: string[] = [];
  for (let take = 1; take <= segments.length; take++) {
    const key = segments.slice(0, take).join('.');
    if (Object.hasOwn(value, key)) found.push(...fieldStrings(value[key], segments.slice(take)));
  }
  return found;
}

function latestAttribute(indicator: IndicatorRecord): IndicatorRecord['attributes'][number] | undefined {
  let latest: IndicatorRecord['attributes'][number] | undefined;
  for (const attribute of indicator.attributes) if (latest === undefined || attribute.timestamp > latest.timestamp) latest = attribute;
  return latest;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
