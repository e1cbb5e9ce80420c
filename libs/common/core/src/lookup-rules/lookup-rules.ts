import { isObservableKind, type ObservableKind } from '../observable-kind';
import { looksLikeLogstash, parseLogstashGetHash } from './logstash-get-hash';
import { LookupRulesError } from './lookup-rules.error';

export { LookupRulesError };

/**
 * One lookup rule: the values found at `field` (an ECS path, nested or dotted keys; arrays are
 * walked) are normalised as `kind` and looked up. `parents` overrides the global parent-domain
 * setting for domain rules.
 */
export interface LookupRule {
  readonly field: string;
  readonly kind: ObservableKind;
  readonly parents?: boolean;
}

/**
 * The ECS fields looked up when no rules are configured. Each is a place where ECS puts a value
 * of exactly one kind; `related.hosts` holds host names (domains), `related.ip` addresses.
 */
export const DEFAULT_LOOKUP_RULES: readonly LookupRule[] = [
  { field: 'destination.domain', kind: 'domain' },
  { field: 'source.domain', kind: 'domain' },
  { field: 'dns.question.name', kind: 'domain' },
  { field: 'url.domain', kind: 'domain' },
  { field: 'related.hosts', kind: 'domain' },
  { field: 'url.full', kind: 'url' },
  { field: 'url.original', kind: 'url' },
  { field: 'source.ip', kind: 'ip' },
  { field: 'destination.ip', kind: 'ip' },
  { field: 'client.ip', kind: 'ip' },
  { field: 'server.ip', kind: 'ip' },
  { field: 'related.ip', kind: 'ip' },
  { field: 'file.hash.md5', kind: 'md5' },
  { field: 'file.hash.sha1', kind: 'sha1' },
  { field: 'file.hash.sha256', kind: 'sha256' },
  { field: 'file.hash.sha512', kind: 'sha512' },
  { field: 'process.hash.md5', kind: 'md5' },
  { field: 'process.hash.sha1', kind: 'sha1' },
  { field: 'process.hash.sha256', kind: 'sha256' },
  { field: 'process.hash.sha512', kind: 'sha512' },
  { field: 'email.from.address', kind: 'email' },
  { field: 'email.to.address', kind: 'email' },
];

/** A field path: dot-separated non-empty segments of printable characters other than `%{}[]`. */
const FIELD_PATH = /^[^\s.%{}[\]]+(\.[^\s.%{}[\]]+)*$/;
/**
 * The seed's Logstash memcached `get` key: `<namespace>-%{<field reference>}`, the reference in
 * Logstash's bracket form (`domain-%{[destination][domain]}`) or bare (`domain-%{destination.domain}`).
 */
const LOGSTASH_TEMPLATE = /^([a-z0-9-]+?)-%\{([^{}]+)\}$/;
/** A bracket field reference: one or more `[segment]`, a segment holding no `[`, `]` or `,` (Logstash's selector). */
const BRACKET_REFERENCE = /^(?:\[[^\][,]+\])+$/;
/** The field the enricher writes; a `get` hash that targets another field would not mean what it says. */
const LOGSTASH_TARGETS = new Set(['[misp_src]', 'misp_src']);
/** MISP attribute types a seed key may be namespaced by, and the kind we look them up as. */
const SEED_NAMESPACES: Readonly<Record<string, ObservableKind>> = {
  'ip-src': 'ip',
  'ip-dst': 'ip',
  hostname: 'domain',
  'email-src': 'email',
  'email-dst': 'email',
};

/**
 * Parse a rules document (`ENRICHER_LOOKUP_RULES`). Four spellings, so that a seed
 * configuration can be carried over as is:
 *
 * - an object of field → kind: `{"destination.domain": "domain", "source.ip": "ip"}`;
 * - an array of rules: `[{"field": "destination.domain", "kind": "domain", "parents": false},
 *   {"fields": ["url.full", "url.original"], "kind": "url"}]`;
 * - Logstash `get` keys as JSON strings, alone or inside the array: `"domain-%{[destination][domain]}"`
 *   (the seed's memcached filter key; the namespace is an observable kind or one of the MISP
 *   types `ip-src`, `ip-dst`, `hostname`, `email-src`, `email-dst`, read as their kind; the field
 *   reference in bracket form or bare, `%{destination.domain}`);
 * - the memcached filter's `get` hash pasted from a Logstash config, not JSON:
 *   `get => { "domain-%{[destination][domain]}" => "[misp_src]" }` (or the hash alone), several
 *   entries, comments and white space as Logstash allows; each key is read as the template above,
 *   and each target must be `[misp_src]` (the field the enricher writes).
 *
 * The document replaces the defaults; duplicates (same field and kind) are dropped.
 */
export function parseLookupRules(text: string): LookupRule[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    if (looksLikeLogstash(text)) return finish(parseLogstashGetHash(text).map((entry) => parseGetEntry(entry.key, entry.target, entry.where)));
    throw new LookupRulesError(`neither JSON nor a Logstash get hash (${(error as Error).message})`);
  }
  const rules: LookupRule[] = [];
  if (Array.isArray(document)) {
    document.forEach((entry, index) => rules.push(...parseEntry(entry, `[${index}]`)));
  } else if (typeof document === 'object' && document !== null) {
    for (const [field, kind] of Object.entries(document)) rules.push(makeRule(field, kind, undefined, field));
  } else if (typeof document === 'string') {
    rules.push(parseTemplate(document, '(document)'));
  } else {
    throw new LookupRulesError('expected an object, an array or a Logstash key template');
  }
  return finish(rules);
}

function finish(rules: readonly LookupRule[]): LookupRule[] {
  if (rules.length === 0) throw new LookupRulesError('no rules: at least one field must be looked up');
  return dedupeRules(rules);
}

function parseGetEntry(key: string, target: string, where: string): LookupRule {
  if (!LOGSTASH_TARGETS.has(target)) throw new LookupRulesError(`${where}: target ${JSON.stringify(target)}: the enricher writes [misp_src] only`);
  return parseTemplate(key, where);
}

function parseEntry(entry: unknown, where: string): LookupRule[] {
  if (typeof entry === 'string') return [parseTemplate(entry, where)];
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new LookupRulesError(`${where}: expected a rule object or a Logstash key template`);
  }
  const { field, fields, kind, parents, ...rest } = entry as Record<string, unknown>;
  const unknownKeys = Object.keys(rest);
  if (unknownKeys.length > 0) throw new LookupRulesError(`${where}: unknown key(s) ${unknownKeys.join(', ')}`);
  if (parents !== undefined && typeof parents !== 'boolean') throw new LookupRulesError(`${where}.parents: expected true or false`);
  const paths = field !== undefined ? [field] : fields;
  if (!Array.isArray(paths) || paths.length === 0 || (field !== undefined && fields !== undefined)) {
    throw new LookupRulesError(`${where}: give either "field" or a non-empty "fields" array`);
  }
  return paths.map((path, index) => makeRule(path, kind, parents as boolean | undefined, `${where}.fields[${index}]`));
}

function parseTemplate(template: string, where: string): LookupRule {
  const match = LOGSTASH_TEMPLATE.exec(template);
  if (match === null) throw new LookupRulesError(`${where}: ${JSON.stringify(template)} is not a key template like domain-%{[destination][domain]}`);
  const reference = match[2] as string;
  let field = reference;
  if (reference.startsWith('[')) {
    if (!BRACKET_REFERENCE.test(reference)) throw new LookupRulesError(`${where}: ${JSON.stringify(template)}: ${reference} is not a field reference like [destination][domain]`);
    field = reference.slice(1, -1).split('][').join('.');
  }
  const namespace = match[1] as string;
  return makeRule(field, SEED_NAMESPACES[namespace] ?? namespace, undefined, where);
}

function makeRule(field: unknown, kind: unknown, parents: boolean | undefined, where: string): LookupRule {
  if (typeof field !== 'string' || !FIELD_PATH.test(field)) throw new LookupRulesError(`${where}: invalid field path`);
  if (typeof kind !== 'string' || !isObservableKind(kind)) throw new LookupRulesError(`${where}: unknown kind ${JSON.stringify(kind)}`);
  return parents === undefined ? { field, kind } : { field, kind, parents };
}

function dedupeRules(rules: readonly LookupRule[]): LookupRule[] {
  const seen = new Set<string>();
  return rules.filter((rule) => {
    const id = `${rule.kind}\u0000${rule.field}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
