import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';

/** Points per server on the continuum; libmemcached's and Dalli's default. */
const POINTS_PER_SERVER = 160;

/**
 * Maps a key to one of several memcached servers the way Ruby's Dalli client does (Dalli is what
 * Logstash's memcached filter uses), so that misp-sync, the enricher and a seed-style Logstash
 * configured with the same server list all agree on where a key lives:
 *
 * - each server `host:port` (spelled exactly as configured: `localhost:11211` and
 *   `127.0.0.1:11211` are different points) gets 160 points; point i is the first 8 hex digits of
 *   `sha1("<host>:<port>:<i>")` read as an unsigned 32-bit number;
 * - a key goes to the server owning the greatest point <= `crc32(key)`, wrapping to the greatest
 *   point overall when the hash is below every point;
 * - one server: every key goes to it.
 *
 * Unlike Dalli we never fail over to another server when one is down (Dalli rehashes
 * `"<try><key>"`): a failover would write keys where the other readers do not look.
 */
export class MemcachedRing {
  private readonly points: Uint32Array;
  private readonly owners: Uint16Array;

  constructor(readonly servers: readonly string[]) {
    if (servers.length === 0) throw new Error('MemcachedRing needs at least one server');
    const entries: { point: number; owner: number }[] = [];
    if (servers.length > 1) {
      servers.forEach((server, owner) => {
        for (let i = 0; i < POINTS_PER_SERVER; i++) {
          const digest = createHash('sha1').update(`${server}:${i}`).digest('hex');
          entries.push({ point: Number.parseInt(digest.slice(0, 8), 16), owner });
        }
      });
      // Stable sort: equal points keep server order, as Ruby's sort_by does in practice.
      entries.sort((a, b) => a.point - b.point);
    }
    this.points = Uint32Array.from(entries, (e) => e.point);
    this.owners = Uint16Array.from(entries, (e) => e.owner);
  }

  /** Index into `servers` of the server that owns `key`. */
  serverIndexFor(key: string): number {
    if (this.points.length === 0) return 0;
    const hash = crc32(key);
    // First index whose point is > hash, minus one; -1 wraps to the last point.
    let low = 0;
    let high = this.points.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.points[mid] as number) > hash) high = mid;
      else low = mid + 1;
    }
    const index = low === 0 ? this.points.length - 1 : low - 1;
    return this.owners[index] as number;
  }
}
