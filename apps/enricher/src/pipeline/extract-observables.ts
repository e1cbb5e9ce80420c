import { compileFieldPath, getField, normaliseValue, type FieldPath, type ObservableKind } from '@iocflow/core';
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

export type ExtractResult = { readonly ok: true; readonly observations: Observation[] } | { readonly ok: false; readonly rejection: Rejection };

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
 * Duplicates (same field, kind and value) are kept once; at most `maxObservations` are taken
 * per event, which bounds the work a single hostile event can cause.
 */
export function extractObservables(event: Record<string, unknown>, rules: readonly CompiledRule[], maxObservations: number): ExtractResult {
  const observations: Observation[] = [];
  let seen: Set<string> | undefined;
  for (const rule of rules) {
    const value = getField(event, rule.path);
    if (value === undefined || value === null) continue;
    if (typeof value === 'string') {
      add(value);
    } else if (Array.isArray(value)) {
      for (const item of value) {
        if (item === null) continue;
        if (typeof item !== 'string') return typeError(rule, `an array holding ${describe(item)}`);
        add(item);
      }
    } else {
      return typeError(rule, describe(value));
    }

    function add(raw: string): void {
      if (observations.length >= maxObservations) return;
      const normalised = normaliseValue(rule.kind, raw);
      if (normalised === undefined) return;
      if (observations.length > 0) {
        seen ??= new Set(observations.map(identity));
        const id = `${rule.field}\u0000${rule.kind}\u0000${normalised}`;
        if (seen.has(id)) return;
        seen.add(id);
      }
      observations.push({ field: rule.field, kind: rule.kind, value: normalised, parents: rule.parents });
    }
  }
  return { ok: true, observations };
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
