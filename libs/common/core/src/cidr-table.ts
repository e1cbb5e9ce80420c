import { formatIp, maskAddress, parseIp, type ParsedIp } from './normalise-ip';

/** One range that contains the looked-up address, with its canonical text. */
export interface CidrMatch<V> {
  readonly range: string;
  readonly value: V;
}

/**
 * Per address family: one hash map per prefix length present, keyed by the masked address.
 * A lookup probes only the prefix lengths present, longest first, so it costs at most 33 (IPv4)
 * or 129 (IPv6) map reads and in practice a handful. IPv4 keys are numbers (cheaper than bigint).
 */
class FamilyTable<V> {
  private readonly byPrefix = new Map<number, Map<number | bigint, CidrMatch<V>>>();
  /** Prefix lengths present, longest first. */
  private prefixes: number[] = [];

  constructor(private readonly family: 4 | 6) {}

  get size(): number {
    let total = 0;
    for (const map of this.byPrefix.values()) total += map.size;
    return total;
  }

  set(ip: ParsedIp, entry: CidrMatch<V>): void {
    let map = this.byPrefix.get(ip.prefix);
    if (map === undefined) {
      map = new Map();
      this.byPrefix.set(ip.prefix, map);
      this.prefixes = [...this.byPrefix.keys()].sort((a, b) => b - a);
    }
    map.set(this.key(ip.address), entry);
  }

  delete(ip: ParsedIp): boolean {
    const map = this.byPrefix.get(ip.prefix);
    if (map === undefined || !map.delete(this.key(ip.address))) return false;
    if (map.size === 0) {
      this.byPrefix.delete(ip.prefix);
      this.prefixes = [...this.byPrefix.keys()].sort((a, b) => b - a);
    }
    return true;
  }

  /** The most specific entry containing `ip`, without allocating a result list. */
  longest(ip: ParsedIp): CidrMatch<V> | undefined {
    const v4 = this.family === 4 ? Number(ip.address) : 0;
    for (const prefix of this.prefixes) {
      if (prefix > ip.prefix) continue;
      const entry = this.byPrefix.get(prefix)?.get(this.maskedKey(ip, v4, prefix));
      if (entry !== undefined) return entry;
    }
    return undefined;
  }

  /** Matches for `ip` (an address or a range: a range matches the ranges that contain it), most specific first. */
  all(ip: ParsedIp): CidrMatch<V>[] {
    const found: CidrMatch<V>[] = [];
    const v4 = this.family === 4 ? Number(ip.address) : 0;
    for (const prefix of this.prefixes) {
      if (prefix > ip.prefix) continue;
      const entry = this.byPrefix.get(prefix)?.get(this.maskedKey(ip, v4, prefix));
      if (entry !== undefined) {
        found.push(entry);
      }
    }
    return found;
  }

  /** The map key of `ip` masked to `prefix`; IPv4 is masked as a number (`v4`), avoiding bigint work per probe. */
  private maskedKey(ip: ParsedIp, v4: number, prefix: number): number | bigint {
    if (this.family === 6) return maskAddress(ip.address, prefix, 6);
    if (prefix === 0) return 0;
    const hostBits = 32 - prefix;
    return ((v4 >>> hostBits) << hostBits) >>> 0;
  }

  private key(address: bigint): number | bigint {
    return this.family === 4 ? Number(address) : address;
  }
}

/**
 * Longest-prefix-match table from IP ranges (or single addresses) to values, IPv4 and IPv6.
 * Mutable so that a change stream can be applied; for a full reload build a new table and swap
 * the reference, so that readers never see a half-built table.
 */
export class CidrTable<V> {
  private readonly v4 = new FamilyTable<V>(4);
  private readonly v6 = new FamilyTable<V>(6);

  /** Build from (range, value) pairs; a later pair for the same range replaces an earlier one. Invalid ranges are listed in `rejected`. */
  static from<V>(pairs: Iterable<readonly [string, V]>): { table: CidrTable<V>; rejected: string[] } {
    const table = new CidrTable<V>();
    const rejected: string[] = [];
    for (const [range, value] of pairs) if (!table.set(range, value)) rejected.push(range);
    return { table, rejected };
  }

  get size(): number {
    return this.v4.size + this.v6.size;
  }

  /** Add or replace a range (any text `parseIp` accepts). Returns false when the range is invalid. */
  set(range: string | ParsedIp, value: V): boolean {
    const ip = typeof range === 'string' ? parseIp(range) : range;
    if (ip === undefined) return false;
    this.familyOf(ip).set(ip, { range: formatIp(ip), value });
    return true;
  }

  /** Remove a range. Returns whether it was present. */
  delete(range: string | ParsedIp): boolean {
    const ip = typeof range === 'string' ? parseIp(range) : range;
    return ip !== undefined && this.familyOf(ip).delete(ip);
  }

  /** The value of the longest range containing `address`, or undefined (also for an invalid address). */
  lookup(address: string | ParsedIp): V | undefined {
    const ip = typeof address === 'string' ? parseIp(address) : address;
    if (ip === undefined) return undefined;
    return this.familyOf(ip).longest(ip)?.value;
  }

  /** Every range containing `address`, most specific first. */
  lookupAll(address: string | ParsedIp): CidrMatch<V>[] {
    const ip = typeof address === 'string' ? parseIp(address) : address;
    if (ip === undefined) return [];
    return this.familyOf(ip).all(ip);
  }

  private familyOf(ip: ParsedIp): FamilyTable<V> {
    return ip.family === 4 ? this.v4 : this.v6;
  }
}
