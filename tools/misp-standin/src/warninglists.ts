import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { isIPv4 } from 'node:net';
import { defaultFixturesRoot } from './fixture-events';

/** The warninglists the stand-in enforces when a search sets `enforceWarninglist` (test/fixtures). */
export const DEFAULT_WARNINGLISTS = [
  'misp-warninglists/lists/cisco_top1000/list.json',
  'misp-warninglists/lists/rfc1918/list.json',
  'misp-warninglists/lists/empty-hashes/list.json',
] as const;

interface Ipv4Range {
  readonly start: number;
  readonly end: number;
}

interface LoadedList {
  readonly name: string;
  readonly types: ReadonlySet<string>;
  readonly strings: ReadonlySet<string>;
  readonly ranges: readonly Ipv4Range[];
}

function ipv4ToInt(address: string): number {
  return address.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
}

function parseCidr(entry: string): Ipv4Range | string {
  const [address, bits] = entry.split('/');
  if (!address || !isIPv4(address)) return entry.toLowerCase();
  const prefix = bits === undefined ? 32 : Number(bits);
  const size = 2 ** (32 - prefix);
  const start = Math.floor(ipv4ToInt(address) / size) * size;
  return { start, end: start + size - 1 };
}

/**
 * A small subset of MISP's warninglist matching: `string` lists match the whole value
 * (case-insensitive), `cidr` lists match IPv4 addresses inside a range and other addresses
 * exactly. Composite values (`domain|ip`, `filename|md5`) match when either part matches, as in
 * MISP. Hostname-suffix and regex lists are not implemented.
 */
export class Warninglists {
  private constructor(private readonly lists: readonly LoadedList[]) {}

  static load(files: readonly string[] = DEFAULT_WARNINGLISTS, root = defaultFixturesRoot()): Warninglists {
    const lists = files.map((file) => {
      const json = JSON.parse(readFileSync(path.resolve(root, file), 'utf8')) as {
        name?: string;
        type?: string;
        list?: string[];
        matching_attributes?: string[];
      };
      const strings = new Set<string>();
      const ranges: Ipv4Range[] = [];
      for (const entry of json.list ?? []) {
        const parsed = json.type === 'cidr' ? parseCidr(entry) : entry.toLowerCase();
        if (typeof parsed === 'string') strings.add(parsed);
        else if (parsed.start === parsed.end) strings.add(entry.split('/')[0]!);
        else ranges.push(parsed);
      }
      return { name: json.name ?? file, types: new Set(json.matching_attributes ?? []), strings, ranges };
    });
    return new Warninglists(lists);
  }

  static none(): Warninglists {
    return new Warninglists([]);
  }

  /** The name of the first list the attribute hits, or undefined. */
  match(type: string, value: string): string | undefined {
    const parts = type.includes('|') || type === 'malware-sample' ? value.split('|') : [value];
    for (const list of this.lists) {
      if (!list.types.has(type)) continue;
      for (const part of parts) {
        const candidate = part.toLowerCase();
        if (list.strings.has(candidate)) return list.name;
        if (list.ranges.length > 0 && isIPv4(candidate)) {
          const address = ipv4ToInt(candidate);
          if (list.ranges.some((range) => address >= range.start && address <= range.end)) return list.name;
        }
      }
    }
    return undefined;
  }
}
