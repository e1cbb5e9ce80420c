import { getField, normaliseValue, type ObservableKind } from '@iocflow/core';
import type { LookupRule } from '../../src/pipeline/lookup-rules';
import type { SourceEvent } from './producer-fixtures';

/**
 * The oracle of the producer examples: which indicators to load, and which enrichments each real
 * event must then come out with, worked out from the documented rules and the data alone (the
 * field values, the shared normalisation, the documented matching: exact values, domains also by
 * their parents down to two labels). It never runs the enricher's stages, so it can disagree.
 */
export interface Indicator {
  readonly kind: ObservableKind;
  readonly value: string;
  readonly feed: string;
}

export interface ExpectedHit {
  readonly field: string;
  readonly atomic: string;
  readonly indicator: string;
}

const ruleId = (rule: LookupRule): string => `${rule.field} as ${rule.kind}`;

/** The normalised values of a rule in one event: a string, or the strings of an array. */
function ruleValues(event: Record<string, unknown>, rule: LookupRule): string[] {
  const raw = getField(event, rule.field);
  const strings = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw.filter((item): item is string => typeof item === 'string') : [];
  return strings.map((value) => normaliseValue(rule.kind, value)).filter((value): value is string => value !== undefined);
}

/**
 * One indicator per rule, so that every documented rule is exercised by real data: of the values
 * the rule finds in the events, the one found in the fewest events (the first such in fixture
 * order), so that some events hit and others, sharing only common values (a sensor's own address),
 * stay "none". `uncovered` lists the rules that found nothing.
 */
export function pickIndicators(events: readonly SourceEvent[], rules: readonly LookupRule[]): { indicators: Indicator[]; uncovered: string[] } {
  const parsed = events.map((event) => JSON.parse(event.line) as Record<string, unknown>);
  const indicators: Indicator[] = [];
  const uncovered: string[] = [];
  for (const rule of rules) {
    const counts = new Map<string, number>();
    for (const event of parsed) for (const value of new Set(ruleValues(event, rule))) counts.set(value, (counts.get(value) ?? 0) + 1);
    const rarest = [...counts].reduce<[string, number] | undefined>((best, entry) => (best === undefined || entry[1] < best[1] ? entry : best), undefined)?.[0];
    if (rarest === undefined) {
      uncovered.push(ruleId(rule));
      continue;
    }
    if (!indicators.some((indicator) => indicator.kind === rule.kind && indicator.value === rarest)) {
      indicators.push({ kind: rule.kind, value: rarest, feed: `Feed-Producers-${indicators.length + 1}` });
    }
  }
  return { indicators, uncovered };
}

/** The most specific indicator a value matches: itself, or for a domain its parents down to two labels. */
function match(kind: ObservableKind, value: string, indicators: readonly Indicator[]): Indicator | undefined {
  const candidates = [value];
  if (kind === 'domain') {
    const labels = value.split('.');
    for (let i = 1; labels.length - i >= 2; i++) candidates.push(labels.slice(i).join('.'));
  }
  for (const candidate of candidates) {
    const found = indicators.find((indicator) => indicator.kind === kind && indicator.value === candidate);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Every (field, value) of the event that must come out enriched, once each. */
export function expectedHits(event: Record<string, unknown>, rules: readonly LookupRule[], indicators: readonly Indicator[]): ExpectedHit[] {
  const hits = new Map<string, ExpectedHit>();
  for (const rule of rules) {
    for (const value of ruleValues(event, rule)) {
      const indicator = match(rule.kind, value, indicators);
      if (indicator !== undefined) hits.set(`${rule.field}\u0000${rule.kind}\u0000${value}`, { field: rule.field, atomic: value, indicator: indicator.value });
    }
  }
  return [...hits.values()];
}

/** `misp_src` for those hits: the feeds of the matched indicators, sorted, unique, comma-joined; `none` without. */
export function expectedMispSrc(hits: readonly ExpectedHit[], indicators: readonly Indicator[]): string {
  const feeds = new Set(hits.map((hit) => indicators.find((indicator) => indicator.value === hit.indicator)?.feed ?? '?'));
  return feeds.size === 0 ? 'none' : [...feeds].sort().join(',');
}

/** The hits an enriched event carries, in the oracle's shape (from ECS `threat.enrichments`). */
export function actualHits(enriched: Record<string, unknown>): ExpectedHit[] {
  const threat = enriched['threat'] as { enrichments?: { matched: { field: string; atomic: string }; indicator: { name: string } }[] } | undefined;
  return (threat?.enrichments ?? []).map((entry) => ({ field: entry.matched.field, atomic: entry.matched.atomic, indicator: entry.indicator.name }));
}

export function sortHits(hits: readonly ExpectedHit[]): ExpectedHit[] {
  return [...hits].sort((a, b) => `${a.field} ${a.atomic}`.localeCompare(`${b.field} ${b.atomic}`));
}
