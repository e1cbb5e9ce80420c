import type { ObservableKind, SourceFreshness } from '@iocflow/core';

/** One distinct thing to look up in a batch: a normalised value of a kind, with or without its parent domains. */
export interface LookupQuery {
  readonly kind: ObservableKind;
  readonly value: string;
  /** Also try the parent domains of a domain, most specific first. */
  readonly parents: boolean;
}

/** Where a matched indicator came from, when the store knows (table mode). */
export interface IndicatorSource {
  readonly eventUuid: string;
  readonly eventInfo: string;
  readonly attributeUuid: string;
  /** MISP `first_seen`/`last_seen`, else the attribute timestamps (docs/enricher.md, Output). */
  readonly firstSeen?: string;
  readonly lastSeen?: string;
  /** ECS `marking.tlp` from the attribute's and its event's tlp tags. */
  readonly tlp?: string;
  /** ECS `confidence` (`indicatorConfidence`: decay score, else threat level). */
  readonly confidence?: string;
}

/** The indicator a query matched: the most specific one (longest parent domain, longest prefix). */
export interface IndicatorMatch {
  readonly kind: ObservableKind;
  /** The indicator's value: `evil.com` for a query `a.evil.com`, `10.0.0.0/8` for `10.1.2.3`. */
  readonly indicator: string;
  /** Sorted unique feed names. */
  readonly feeds: readonly string[];
  /** Only in table mode: the MISP attribute behind the indicator (the most recent one). */
  readonly source?: IndicatorSource;
  /** Only in table mode: when the indicator last changed. */
  readonly modifiedAt?: string;
}

/** Whether the store can answer without risking a false "none"; `reason` says why not. */
export interface StoreStatus {
  readonly usable: boolean;
  readonly reason?: string;
}

/**
 * The lookup store behind the pipeline: memcached (shared with misp-sync, one multi-get per
 * batch) or an in-memory table materialised from the indicator topic.
 *
 * `resolve` answers every query (an entry per query, `undefined` for a miss) or throws a
 * `StoreUnavailableError` when any answer could be a false miss: unreachable, empty, loading, or
 * a source of misp-sync's sync sentinel past its own schedule.
 */
export interface IndicatorLookup {
  readonly mode: 'memcached' | 'table';
  resolve(queries: readonly LookupQuery[]): Promise<(IndicatorMatch | undefined)[]>;
  status(): StoreStatus;
  /** misp-sync's sources as last judged (each against its own schedule), for metrics and logs. */
  freshness?(): readonly SourceFreshness[];
}
