import { JsonFieldScan, compileFieldPath, getField, normaliseValue, planJsonFields, type FieldPath, type JsonFieldPlan, type ObservableKind } from '@iocflow/core';
import { OUTPUT_FIELDS } from './apply-enrichment';
import type { Rejection } from './dead-letter-reason';
import type { LookupRule } from './lookup-rules';

/** A lookup rule ready for the hot path: its path compiled once, its parent setting resolved. */
export interface CompiledRule {
  readonly field: string;
  readonly path: FieldPath;
  readonly kind: ObservableKind;
  readonly parents: boolean;
}

/** One normalised value seen in one field of one event. */
export interface Observation {
  readonly field: string;
  readonly kind: ObservableKind;
  readonly value: string;
  readonly parents: boolean;
}

/**
 * `observations` are the ones to look up (at most the cap); `unchecked` counts the distinct
 * observables found beyond the cap, which are not looked up (0 for any ordinary event).
 */
export type ExtractResult = { readonly ok: true; readonly observations: Observation[]; readonly unchecked: number } | { readonly ok: false; readonly rejection: Rejection };

/** Compile rules once at boot; `parentDomains` is the global default a rule may override. */
export function compileRules(rules: readonly LookupRule[], parentDomains: boolean): CompiledRule[] {
  return rules.map((rule) => ({
    field: rule.field,
    path: compileFieldPath(rule.field),
    kind: rule.kind,
    parents: rule.kind === 'domain' && (rule.parents ?? parentDomains),
  }));
}

/**
 * The observables of one event, per rule: a string value, or each string of an array
 * (`related.ip`), normalised as the rule's kind. Values that do not normalise (`-`, `unknown`,
 * a malformed address) are not observables and are skipped; a value that is not a string or an
 * array of strings (a number in `source.ip`, an object in `destination.domain`) rejects the
 * event as `field_type`, since a field holding the wrong type means the producer is broken.
 * Duplicates (same field, kind and value) are kept once. At most `maxObservations` are looked
 * up per event, which bounds the lookups a single hostile event can cause; the rest (in rule and
 * array order) are still normalised and counted as `unchecked` — linear in the event's size, and
 * only for an event over the cap — so the event can say it was not fully checked instead of
 * claiming a miss for values nobody looked up.
 *
 * `event` is the scan of readEvent (the hot path: the scan already holds each rule's value, found
 * where its path ends in the bytes, so nothing is walked again) or a whole event from JSON.parse.
 * For a whole event only the rules that can find something are read: a rule reads the top level
 * only under the keys its path may start with (`destination`, `destination.domain`), so one pass
 * over the event's own keys tells which rules to skip.
 */
export function extractObservables(event: Record<string, unknown> | JsonFieldScan, rules: readonly CompiledRule[], maxObservations: number): ExtractResult {
  collectedCount = 0;
  collectedSeen = undefined;
  if (event instanceof JsonFieldScan) {
    // the scan found each rule's value where its path ends (the plan's path r is rule r)
    if (event.plan !== eventPlan(rules)) throw new Error('extractObservables: the event was scanned with the plan of other rules');
    for (let r = 0; r < rules.length; r++) {
      const value = event.value(r);
      if (value === undefined || value === null) continue;
      const rejection = observe(rules[r] as CompiledRule, value);
      if (rejection !== undefined) return dropCollected(rejection);
    }
  } else {
    const present = presentRules(event, ruleIndex(rules));
    for (let r = 0; r < rules.length; r++) {
      if (present[r] !== 1) continue;
      const rule = rules[r] as CompiledRule;
      const value = getField(event, rule.path);
      if (value === undefined || value === null) continue;
      const rejection = observe(rule, value);
      if (rejection !== undefined) return dropCollected(rejection);
    }
  }
  const kept = Math.min(collectedCount, maxObservations);
  const observations = collected.slice(0, kept) as Observation[];
  const unchecked = collectedCount - kept;
  dropCollected(undefined);
  return { ok: true, observations, unchecked };
}

/**
 * The observations of the event being extracted, before the exact-size copy extractObservables
 * hands out: one array reused by every event (extraction is synchronous) instead of a fresh one
 * grown by `push` (16 slots for a handful of observations) and then cut. Slots are cleared after
 * each event so nothing outlives it here; an array grown past COLLECTED_KEPT by a hostile event
 * is let go.
 */
let collected: (Observation | undefined)[] = [];
let collectedCount = 0;
/** The duplicate check's set once the event has more than SCAN_LIMIT observations. */
let collectedSeen: Set<string> | undefined;
const COLLECTED_KEPT = 1024;

function dropCollected<T>(result: T): T {
  if (collected.length > COLLECTED_KEPT) {
    collected = [];
  } else {
    for (let i = 0; i < collectedCount; i++) collected[i] = undefined;
  }
  collectedCount = 0;
  collectedSeen = undefined;
  return result;
}

/** One rule's (non-null) value: its strings observed, or the rejection of a value of the wrong type. */
function observe(rule: CompiledRule, value: unknown): ExtractResult | undefined {
  if (typeof value === 'string') {
    add(rule, value);
  } else if (Array.isArray(value)) {
    for (const item of value as unknown[]) {
      if (item === null) continue;
      if (typeof item !== 'string') return typeError(rule, `an array holding ${describe(item)}`);
      add(rule, item);
    }
  } else {
    return typeError(rule, describe(value));
  }
  return undefined;
}

/**
 * What the hot path's scan of an event looks for (readEvent): every spelling of every rule's path,
 * and the fields the enricher writes (an event holding one takes the parse path). Once per rules array.
 */
export function eventPlan(rules: readonly CompiledRule[]): JsonFieldPlan {
  let plan = eventPlans.get(rules);
  if (plan === undefined) {
    plan = planJsonFields(
      rules.map((rule) => rule.path),
      OUTPUT_FIELDS,
    );
    eventPlans.set(rules, plan);
  }
  return plan;
}

const eventPlans = new WeakMap<readonly CompiledRule[], JsonFieldPlan>();

/** Per rules array: which rules each possible top-level key can feed (`destination` → destination.domain, destination.ip). */
interface RuleIndex {
  readonly byTopKey: ReadonlyMap<string, readonly number[]>;
  readonly count: number;
}

const ruleIndexes = new WeakMap<readonly CompiledRule[], RuleIndex>();

function ruleIndex(rules: readonly CompiledRule[]): RuleIndex {
  let index = ruleIndexes.get(rules);
  if (index === undefined) {
    const byTopKey = new Map<string, number[]>();
    rules.forEach((rule, r) => {
      // keys[0][to]: segments 0..to joined, i.e. every top-level key `find` may read for this path.
      for (const key of rule.path.keys[0] ?? []) {
        const list = byTopKey.get(key);
        if (list === undefined) byTopKey.set(key, [r]);
        else if (!list.includes(r)) list.push(r);
      }
    });
    index = { byTopKey, count: rules.length };
    ruleIndexes.set(rules, index);
  }
  return index;
}

/** 1 for each rule whose path can start at one of the event's own keys. */
function presentRules(event: Record<string, unknown>, index: RuleIndex): Uint8Array {
  const present = new Uint8Array(index.count);
  for (const key in event) {
    const rules = index.byTopKey.get(key);
    if (rules === undefined || !Object.hasOwn(event, key)) continue;
    for (const r of rules) present[r] = 1;
  }
  return present;
}

/** Above this many observations the duplicate check switches from a scan to a set. */
const SCAN_LIMIT = 16;

function add(rule: CompiledRule, raw: string): void {
  const normalised = normaliseValue(rule.kind, raw);
  if (normalised === undefined) return;
  if (isDuplicate(rule, normalised)) return;
  const observation: Observation = { field: rule.field, kind: rule.kind, value: normalised, parents: rule.parents };
  if (collectedCount < collected.length) collected[collectedCount] = observation;
  else collected.push(observation);
  collectedCount++;
}

/**
 * Whether (field, kind, value) was already observed in this event. A scan for the few
 * observations of a normal event (no strings built, no set allocated); a set once a hostile
 * event has many (a 256-entry `related.ip`), so the check stays linear.
 */
function isDuplicate(rule: CompiledRule, value: string): boolean {
  if (collectedCount <= SCAN_LIMIT) {
    for (let i = 0; i < collectedCount; i++) {
      const o = collected[i] as Observation;
      if (o.value === value && o.field === rule.field && o.kind === rule.kind) return true;
    }
    return false;
  }
  let seen = collectedSeen;
  if (seen === undefined) {
    seen = new Set<string>();
    for (let i = 0; i < collectedCount; i++) seen.add(identity(collected[i] as Observation));
    collectedSeen = seen;
  }
  const id = `${rule.field}\u0000${rule.kind}\u0000${value}`;
  if (seen.has(id)) return true;
  seen.add(id);
  return false;
}

function identity(observation: Observation): string {
  return `${observation.field}\u0000${observation.kind}\u0000${observation.value}`;
}

function typeError(rule: CompiledRule, found: string): ExtractResult {
  return { ok: false, rejection: { reason: 'field_type', message: `${rule.field} must be a string or an array of strings, found ${found}` } };
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
