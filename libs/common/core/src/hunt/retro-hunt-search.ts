import type { LookupRule } from '../lookup-rules/lookup-rules';
import type { ObservableKind } from '../observable-kind';
import { registrableDomain } from '../registrable-domain';

/** How one clause of a retro-hunt search matches: the value itself, or a subdomain of it. */
export type HuntClauseMatch = 'exact' | 'parent';

/** One clause of a retro-hunt search; its position in `clauses` is its `_name` (`q<position>`). */
export interface HuntClause {
  readonly field: string;
  readonly match: HuntClauseMatch;
}

export interface RetroHuntSearch {
  /** The `_search` body. */
  readonly body: Record<string, unknown>;
  readonly clauses: readonly HuntClause[];
}

export interface RetroHuntSearchOptions {
  /** Only documents whose `@timestamp` is at or after this instant (now − RETRO_HUNT_WINDOW). */
  readonly sinceMs: number;
  /** Documents returned at most (RETRO_HUNT_MAX_HITS_PER_INDICATOR): the most recent ones. */
  readonly maxHits: number;
  /** Elasticsearch's own `timeout` (RETRO_HUNT_SEARCH_DEADLINE): shards still searching then answer with what they found. */
  readonly timeoutMs: number;
  /** Leave out documents the enricher already matched on this very value (RETRO_HUNT_SKIP_LIVE_MATCHED). */
  readonly skipLiveMatched: boolean;
  /** The enricher's global parent-domain setting (ENRICHER_PARENT_DOMAINS); a rule's `parents` overrides it. */
  readonly parentDomains: boolean;
}

/** Kinds whose normalised value is lower-case while a log may hold any case: compared case-insensitively. */
const CASE_INSENSITIVE: ReadonlySet<ObservableKind> = new Set(['domain', 'email', 'md5', 'sha1', 'sha256', 'sha512']);

/**
 * The search that finds, in already-indexed logs, the documents the enricher would have matched
 * to one indicator, or undefined when no lookup rule reads its kind.
 *
 * - Fields: every field a lookup rule of the indicator's kind names (the enricher's rules).
 * - Exact: a `term` on the field. Keyword fields of domains, e-mail addresses and hashes are
 *   compared case-insensitively (the indicator is normalised lower-case; a log may say
 *   `EVIL.COM`). An ip indicator, an address or a CIDR range, is a `term` too: on the `ip`-mapped
 *   fields (the template maps `*.ip` so) Elasticsearch matches a range by containment, like the
 *   enricher's range table. URLs are compared as they are (a path is case-sensitive).
 * - Parent domains: a domain indicator `evil.com` also matches a document whose field ends with
 *   `.evil.com`, as the enricher's parent-domain lookup does — a `wildcard` `*.evil.com`,
 *   case-insensitive, on the keyword field (the index template holds no reversed field, so this is
 *   a scan of the field's terms in each index searched, bounded by the deadline). Only where the
 *   enricher would look the indicator up as a parent: the rule has parents on, and the indicator
 *   is at or below a registrable domain (the Public Suffix List rule of
 *   `registrableParentDomains`: `co.uk` or `github.io` are never hunted as parents).
 * - Not covered: values the enricher normalises before looking up but the document stores
 *   otherwise (a refanged `evil[.]com`, a URL with a default port or percent-encoding, an IPv6
 *   address written differently in a keyword field), and ranges in fields not mapped as `ip`.
 * - Window: `@timestamp` ≥ `sinceMs`; the most recent `maxHits` documents (sorted by
 *   `@timestamp` descending); `track_total_hits` up to `maxHits + 1` so a truncated answer is
 *   known; `matched_queries` says which clause (so which field) matched.
 * - Skip: with `skipLiveMatched`, documents whose `iocflow.matched.atomic` (the enricher's
 *   matched value, copied to a root keyword by the template) equals the indicator's value are left
 *   out: the live hits stream already reported them. A document matched live on another value (a
 *   subdomain) is still found.
 */
export function retroHuntSearch(indicator: { readonly kind: ObservableKind; readonly value: string }, rules: readonly LookupRule[], options: RetroHuntSearchOptions): RetroHuntSearch | undefined {
  const clauses: HuntClause[] = [];
  const huntParents = indicator.kind === 'domain' && registrableDomain(indicator.value) !== undefined;
  for (const rule of rules) {
    if (rule.kind !== indicator.kind) continue;
    clauses.push({ field: rule.field, match: 'exact' });
    if (huntParents && (rule.parents ?? options.parentDomains)) clauses.push({ field: rule.field, match: 'parent' });
  }
  if (clauses.length === 0) return undefined;
  const caseInsensitive = CASE_INSENSITIVE.has(indicator.kind);
  const should = clauses.map((clause, position) => {
    const _name = `q${position}`;
    if (clause.match === 'parent') {
      return { wildcard: { [clause.field]: { value: `*.${escapeWildcard(indicator.value)}`, case_insensitive: true, _name } } };
    }
    return { term: { [clause.field]: { value: indicator.value, ...(caseInsensitive ? { case_insensitive: true } : {}), _name } } };
  });
  const fields = [...new Set(clauses.map((clause) => clause.field))];
  return {
    clauses,
    body: {
      size: options.maxHits,
      timeout: `${Math.max(1, Math.round(options.timeoutMs))}ms`,
      track_total_hits: options.maxHits + 1,
      _source: ['@timestamp', ...fields],
      sort: [{ '@timestamp': { order: 'desc', unmapped_type: 'date' } }],
      query: {
        bool: {
          filter: [{ range: { '@timestamp': { gte: new Date(options.sinceMs).toISOString() } } }],
          should,
          minimum_should_match: 1,
          ...(options.skipLiveMatched ? { must_not: [{ term: { 'iocflow.matched.atomic': indicator.value } }] } : {}),
        },
      },
    },
  };
}

/** The wildcard query's special characters (`*`, `?`, `\`) taken literally. */
function escapeWildcard(value: string): string {
  return value.replace(/[\\*?]/g, (character) => `\\${character}`);
}
