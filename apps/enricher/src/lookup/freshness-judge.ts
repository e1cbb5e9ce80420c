import { assessSyncSentinel, parseSyncSentinel, type SourceFreshness, type SyncSentinel } from '@iocflow/core';
import type { StoreUnavailableCode } from './store-unavailable.error';

/** The verdict on one sentinel: usable, or the code and reason to refuse lookups with. */
export type FreshnessVerdict = { readonly usable: true } | { readonly usable: false; readonly code: StoreUnavailableCode; readonly reason: string };

/**
 * Judges misp-sync's sync sentinel (read from memcached, or the freshness record on the IOC
 * topic) by the rule in core's `assessSyncSentinel`: each source against its own poll interval
 * plus `maxStalenessMs` (ENRICHER_MAX_STALENESS), a run in progress fresh while it makes progress.
 *
 * Called for every batch: the parsed sentinel is kept while the raw text is unchanged, so a batch
 * costs one string comparison and a few additions. Remembers the last per-source verdict for the
 * readiness body, the per-source metric and the log (`sources`).
 */
export class FreshnessJudge {
  private lastText: string | undefined;
  private lastParsed: SyncSentinel | undefined;
  private lastSources: readonly SourceFreshness[] = [];

  /** `what` names the sentinel in reasons: `sync sentinel`, `IOC topic freshness record`. */
  constructor(
    private readonly maxStalenessMs: number,
    private readonly what: string,
    private readonly missingReason: string,
  ) {}

  /** Per source, as of the last `judge` (empty before the first, or when the sentinel was missing or malformed). */
  get sources(): readonly SourceFreshness[] {
    return this.lastSources;
  }

  judge(raw: string | Buffer | undefined, nowMs: number): FreshnessVerdict {
    if (raw === undefined) {
      this.lastSources = [];
      return { usable: false, code: 'STORE_EMPTY', reason: `${this.what} missing: ${this.missingReason}` };
    }
    const text = typeof raw === 'string' ? raw : raw.toString('utf8');
    if (text !== this.lastText) {
      this.lastText = text;
      this.lastParsed = parseSyncSentinel(text);
    }
    const assessment = assessSyncSentinel(this.lastParsed, nowMs, this.maxStalenessMs);
    this.lastSources = assessment.sources;
    if (assessment.problem === undefined) return { usable: true };
    const reason = assessment.problem === 'malformed' ? `${this.what} malformed` : `${this.what}: ${assessment.reason ?? assessment.problem}`;
    return { usable: false, code: 'STORE_STALE', reason };
  }
}
