import type { IndicatorTable } from './indicator-table';
import type { IndicatorTopicFollower } from './indicator-topic-follower';

/**
 * `off`: not followed (ENRICHER_IP_RANGES=off); `loading`: the first read of the topic is running
 * (lookups hold, as table mode's STORE_LOADING); `following`: loaded and followed live;
 * `unavailable`: the topic could not be read (missing, not authorised, brokers down…) — lookups
 * go on without ranges, counted, while loads are retried.
 */
export type IpRangeState = 'off' | 'loading' | 'following' | 'unavailable';

/** A key of the indicator topic that holds an IP range: `ip-10.0.0.0/8`, `ip-2001:db8::/32`. */
export function isIpRangeKey(key: string): boolean {
  return key.startsWith('ip-') && key.includes('/');
}

/**
 * Memcached mode's IP ranges. memcached answers exact keys only, so the few range indicators
 * (`ip-src`/`ip-dst` CIDRs) are kept in process: followed from the indicator topic by an
 * `IndicatorTopicFollower` that parses and keeps only range keys, into the same longest-prefix
 * table as table mode. The lookup asks it after an address missed its exact key.
 */
export class IpRangeSet {
  private current: IpRangeState;
  private lastError: string | undefined;

  constructor(private readonly follower: IndicatorTopicFollower | undefined) {
    this.current = follower === undefined ? 'off' : 'loading';
  }

  get state(): IpRangeState {
    return this.current;
  }

  get topic(): string | undefined {
    return this.follower?.topic;
  }

  /** Why ranges are not matched now, for logs and readiness (undefined while following). */
  get detail(): string | undefined {
    switch (this.current) {
      case 'following':
        return undefined;
      case 'off':
        return 'IP ranges are not matched: ENRICHER_IP_RANGES=off';
      case 'loading':
        return `IP ranges from ${this.follower?.topic} loading`;
      case 'unavailable':
        return `IP ranges are not matched: ${this.follower?.topic} cannot be read (${this.lastError ?? 'unknown error'}); retrying`;
    }
  }

  /** The ranges to match against now; undefined while they are not followed. */
  table(): IndicatorTable | undefined {
    return this.current === 'following' ? this.follower?.current?.table : undefined;
  }

  /**
   * Read the topic to its end and follow it; true on success. A failed first load makes the set
   * `unavailable`; a failed reload while following keeps the table serving (the follower swaps
   * only a complete table in).
   */
  async load(): Promise<boolean> {
    if (this.follower === undefined) return false;
    try {
      await this.follower.reload();
      this.current = 'following';
      this.lastError = undefined;
      return true;
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
      if (this.current !== 'following') this.current = 'unavailable';
      return false;
    }
  }

  async stop(): Promise<void> {
    await this.follower?.stop();
  }
}
