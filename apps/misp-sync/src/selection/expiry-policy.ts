import type { IndicatorRecord, ObservableKind } from '@iocflow/core';

/** Maximum age since an indicator's last change, per kind, in seconds; 0 = never expires. */
export type MaxAgeByKind = Readonly<Record<ObservableKind, number>>;

/**
 * Expiry: a contribution (one attribute's part of one lookup key) lives `maxAge(kind)` after its
 * attribute's last change (its MISP timestamp). A timestamp of 0 — CSV and freetext feeds, which
 * carry no time — never expires: such an entry leaves when its feed drops it. Pure: now is passed in.
 */
export class ExpiryPolicy {
  constructor(private readonly maxAgeSec: MaxAgeByKind) {}

  /** Whether any kind expires at all (nothing to sweep otherwise). */
  get enabled(): boolean {
    return Object.values(this.maxAgeSec).some((age) => age > 0);
  }

  /** When a contribution of this kind changed at `timestampSec` expires (seconds), or undefined for never. */
  expiresAtSec(kind: ObservableKind, timestampSec: number): number | undefined {
    const age = this.maxAgeSec[kind];
    if (age <= 0 || timestampSec <= 0) return undefined;
    return timestampSec + age;
  }

  isExpired(kind: ObservableKind, timestampSec: number, nowSec: number): boolean {
    const at = this.expiresAtSec(kind, timestampSec);
    return at !== undefined && at <= nowSec;
  }

  /**
   * When the record expires as a whole: the latest expiry of its contributions (each is removed at
   * its own), undefined when one of them never expires. The IOC topic record's `expiresAt`.
   */
  recordExpiresAtSec(record: Pick<IndicatorRecord, 'kind' | 'attributes'>): number | undefined {
    let latest: number | undefined;
    for (const attribute of record.attributes) {
      const at = this.expiresAtSec(record.kind, attribute.timestamp);
      if (at === undefined) return undefined;
      if (latest === undefined || at > latest) latest = at;
    }
    return latest;
  }
}
