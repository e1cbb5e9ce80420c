import type { AttributeSequence } from './attribute-sequence';
import { TagRegistry } from './fixture-events';
import type { StoredAttribute, StoredEvent } from './stored-types';

export interface GeneratedAttributesOptions {
  /** One event per feed, tagged with the feed name; attribute i belongs to feed i % feeds.length. */
  readonly feeds?: readonly string[];
  /** Attribute i has type typesMix[hash(i) % length]; repeat a type to weight it. */
  readonly typesMix?: readonly string[];
  readonly seed?: number;
  /** Timestamp of attribute 0; `perSecond` attributes share each second (ties exercise the cursor). */
  readonly startTimestamp?: number;
  readonly perSecond?: number;
}

export const DEFAULT_GENERATED_FEEDS = ['Feed-Generated-A', 'Feed-Generated-B', 'Feed-Generated-C'] as const;
export const DEFAULT_TYPES_MIX = ['domain', 'domain', 'hostname', 'ip-dst', 'ip-dst', 'ip-src', 'url', 'md5', 'sha1', 'sha256', 'domain|ip'] as const;
const TLDS = ['com', 'net', 'org', 'info', 'biz', 'top', 'xyz'] as const;

/** A 32-bit integer hash (splitmix/murmur finaliser): deterministic, well spread. */
function mix(value: number): number {
  let x = value | 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

const hex8 = (value: number): string => value.toString(16).padStart(8, '0');

function hexDigest(index: number, seed: number, length: number): string {
  // The index leads, so digests are unique; the rest is hash noise.
  let digest = hex8(index);
  for (let word = 1; digest.length < length; word++) digest += hex8(mix(seed * 31 + index * 7 + word));
  return digest.slice(0, length);
}

const categoryOf = (type: string): string => (/md5|sha|filename/.test(type) ? 'Payload delivery' : 'Network activity');

/**
 * `n` synthetic attributes computed from their position: nothing is stored per attribute, so a
 * million cost the same memory as ten, and the sequence is already in (timestamp, id) order.
 * Values are unique per position and identical for the same seed on every run.
 */
export class GeneratedAttributeSequence implements AttributeSequence {
  readonly events: StoredEvent[];
  private readonly feeds: readonly string[];
  private readonly types: readonly string[];
  private readonly seed: number;
  private readonly start: number;
  private readonly perSecond: number;
  private readonly uuidPrefix: string;

  constructor(
    readonly length: number,
    options: GeneratedAttributesOptions,
    tags: TagRegistry,
  ) {
    this.feeds = options.feeds?.length ? options.feeds : DEFAULT_GENERATED_FEEDS;
    this.types = options.typesMix?.length ? options.typesMix : DEFAULT_TYPES_MIX;
    this.seed = options.seed ?? 1;
    this.start = options.startTimestamp ?? 1_700_000_000;
    this.perSecond = Math.max(1, options.perSecond ?? 1000);
    this.uuidPrefix = `${hex8(mix(this.seed))}-0000-4000-8000-`;
    this.events = this.feeds.map((feed, index) => ({
      id: index + 1,
      uuid: `${hex8(mix(this.seed + 1))}-0000-4000-9000-${(index + 1).toString(16).padStart(12, '0')}`,
      info: `Generated indicators of ${feed}`,
      orgId: 1,
      orgcId: 1,
      orgcName: 'ORGNAME',
      orgcUuid: '5c6983c8-3af8-4304-869c-4800d6c1883c',
      distribution: 3,
      date: new Date(this.start * 1000).toISOString().slice(0, 10),
      published: true,
      analysis: 2,
      threatLevelId: 3,
      timestamp: this.timestampAt(Math.max(0, length - 1)),
      tags: [tags.tag(feed, '#004646'), tags.tag('tlp:white')],
    }));
  }

  timestampAt(index: number): number {
    return this.start + Math.floor(index / this.perSecond);
  }

  idAt(index: number): number {
    return index + 1;
  }

  indexOfId(id: number): number | undefined {
    return Number.isSafeInteger(id) && id >= 1 && id <= this.length ? id - 1 : undefined;
  }

  indexOfUuid(uuid: string): number | undefined {
    if (!uuid.startsWith(this.uuidPrefix)) return undefined;
    const index = parseInt(uuid.slice(this.uuidPrefix.length), 16);
    return Number.isSafeInteger(index) && index < this.length ? index : undefined;
  }

  at(index: number): StoredAttribute {
    if (!(index >= 0 && index < this.length)) throw new RangeError(`no attribute at ${index}`);
    const hash = mix(this.seed ^ mix(index));
    const type = this.types[hash % this.types.length] ?? 'domain';
    return {
      id: index + 1,
      eventId: (index % this.feeds.length) + 1,
      objectId: 0,
      objectRelation: null,
      category: categoryOf(type),
      type,
      value: this.valueOf(type, index, hash),
      toIds: hash % 8 !== 0,
      uuid: `${this.uuidPrefix}${index.toString(16).padStart(12, '0')}`,
      timestamp: this.timestampAt(index),
      distribution: 5,
      comment: '',
      deleted: false,
      disableCorrelation: false,
      firstSeen: null,
      lastSeen: null,
      tags: [],
    };
  }

  private valueOf(type: string, index: number, hash: number): string {
    const domain = `${(hash % 1679616).toString(36)}${index.toString(36)}.${TLDS[hash % TLDS.length]}`;
    // Multiplying by an odd constant is a bijection on 32 bits: every index gets its own address.
    const address = (Math.imul(index + 1, 0x9e3779b1) ^ mix(this.seed)) >>> 0;
    const ip = [address >>> 24, (address >>> 16) & 255, (address >>> 8) & 255, address & 255].join('.');
    switch (type) {
      case 'domain':
        return domain;
      case 'hostname':
        return `www.${domain}`;
      case 'ip-dst':
      case 'ip-src':
        return ip;
      case 'domain|ip':
        return `${domain}|${ip}`;
      case 'url':
        return `http://${domain}/${(hash >>> 8).toString(36)}/index.php`;
      case 'md5':
        return hexDigest(index, this.seed, 32);
      case 'sha1':
        return hexDigest(index, this.seed, 40);
      case 'sha256':
        return hexDigest(index, this.seed, 64);
      default:
        return `${type}-${index}`;
    }
  }
}
