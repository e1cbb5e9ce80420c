import type { AttributeContribution, IndicatorRecord } from './indicator-record';
import { isObservableKind } from './observable-kind';

export type ReadIndicatorRecordResult = { readonly ok: true; readonly record: IndicatorRecord } | { readonly ok: false; readonly reason: 'not_json' | 'not_record'; readonly detail: string };

/**
 * One value of the indicator topic (`IOC_TOPIC`) under `key`, checked field by field before
 * anything reads it: every reader of the topic (misp-sync restoring its state, the enricher's
 * table) takes a record only through here, so a record another producer wrote, a truncated one or
 * a hostile one (`"attributes":[null]`) is refused with a reason instead of throwing later.
 * Never throws; the JSON is parsed by `JSON.parse` (iterative: depth is no danger here) and
 * walked only at the known fields, so the work is linear in the value's size.
 */
export function readIndicatorRecord(key: string, text: string): ReadIndicatorRecordResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not_json', detail: 'the value is not JSON' };
  }
  const problem = recordProblem(key, parsed);
  return problem === undefined ? { ok: true, record: parsed as IndicatorRecord } : { ok: false, reason: 'not_record', detail: problem };
}

function recordProblem(key: string, value: unknown): string | undefined {
  if (!isObject(value)) return 'the value is not a JSON object';
  if (value['key'] !== key) return 'key differs from the record key';
  const kind = value['kind'];
  if (typeof kind !== 'string' || !isObservableKind(kind)) return 'kind is not an observable kind';
  if (typeof value['value'] !== 'string' || value['value'].length === 0) return 'value is not a non-empty string';
  if (!isStringList(value['feeds'])) return 'feeds is not a list of strings';
  if (typeof value['updatedAt'] !== 'string') return 'updatedAt is not a string';
  if (value['expiresAt'] !== undefined && typeof value['expiresAt'] !== 'string') return 'expiresAt is not a string';
  const omitted = value['attributesOmitted'];
  if (omitted !== undefined && !(typeof omitted === 'number' && Number.isSafeInteger(omitted) && omitted >= 0)) return 'attributesOmitted is not a count';
  const attributes = value['attributes'];
  if (!Array.isArray(attributes)) return 'attributes is not a list';
  for (let i = 0; i < attributes.length; i++) {
    const attribute: unknown = attributes[i];
    const problem = contributionProblem(attribute);
    if (problem !== undefined) return `attributes[${i}]: ${problem}`;
  }
  return undefined;
}

/** The fields of an AttributeContribution, by type; optional ones may be absent. */
function contributionProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'not an object';
  for (const field of ['attributeUuid', 'mispType', 'eventUuid', 'eventInfo'] as const satisfies readonly (keyof AttributeContribution)[]) {
    if (typeof value[field] !== 'string') return `${field} is not a string`;
  }
  for (const field of ['source', 'threatLevel', 'tlp', 'firstSeen', 'lastSeen'] as const satisfies readonly (keyof AttributeContribution)[]) {
    if (value[field] !== undefined && typeof value[field] !== 'string') return `${field} is not a string`;
  }
  if (!isStringList(value['feeds'])) return 'feeds is not a list of strings';
  if (!isStringList(value['tags'])) return 'tags is not a list of strings';
  if (typeof value['toIds'] !== 'boolean') return 'toIds is not a boolean';
  const timestamp = value['timestamp'];
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) return 'timestamp is not a number';
  const score = value['decayScore'];
  if (score !== undefined && (typeof score !== 'number' || !Number.isFinite(score))) return 'decayScore is not a number';
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringList(value: unknown): value is string[] {
  if (!Array.isArray(value)) return false;
  for (const item of value as unknown[]) if (typeof item !== 'string') return false;
  return true;
}
