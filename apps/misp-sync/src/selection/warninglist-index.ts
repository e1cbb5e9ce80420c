import { CidrTable, OBSERVABLE_KINDS, parseIp, type ObservableKind, type ParsedIp } from '@iocflow/core';

/** One list in MISP's warninglist format (misp-warninglists `lists/<name>/list.json`). */
export interface Warninglist {
  readonly name: string;
  readonly type: 'string' | 'cidr' | 'hostname' | 'substring' | 'regex';
  readonly list: readonly string[];
  /** MISP attribute types the list applies to; empty = every kind. */
  readonly matchingAttributes: readonly string[];
}

export type ParseWarninglistResult = { readonly ok: true; readonly list: Warninglist } | { readonly ok: false; readonly reason: string };

const LIST_TYPES = new Set(['string', 'cidr', 'hostname', 'substring', 'regex']);

/** A `list.json` as parsed JSON: checked field by field; a list of another shape is refused with a reason. */
export function parseWarninglist(json: unknown, fallbackName: string): ParseWarninglistResult {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { ok: false, reason: 'not a JSON object' };
  const record = json as Record<string, unknown>;
  const type = record['type'];
  if (typeof type !== 'string' || !LIST_TYPES.has(type)) return { ok: false, reason: `type ${JSON.stringify(type)} is not string, cidr, hostname, substring or regex` };
  const list = record['list'];
  if (!Array.isArray(list) || !list.every((entry) => typeof entry === 'string')) return { ok: false, reason: 'list is not a list of strings' };
  const matching = record['matching_attributes'];
  const matchingAttributes = Array.isArray(matching) ? matching.filter((entry): entry is string => typeof entry === 'string') : [];
  const name = typeof record['name'] === 'string' && record['name'] !== '' ? record['name'] : fallbackName;
  return { ok: true, list: { name, type: type as Warninglist['type'], list, matchingAttributes } };
}

/**
 * The observable kinds a list's `matching_attributes` reach: each MISP type, and each part of a
 * composite one (`domain|ip`, `filename|sha256`), mapped to the kind its value becomes. Types of
 * no kind we match (`ssdeep`, `AS`) are ignored; a list naming none of ours reaches no kind, a list
 * naming no type at all reaches every kind.
 */
export function kindsOfMatchingAttributes(types: readonly string[]): ReadonlySet<ObservableKind> {
  if (types.length === 0) return new Set(OBSERVABLE_KINDS);
  const kinds = new Set<ObservableKind>();
  for (const type of types) {
    for (const part of type.split('|')) {
      if (part.startsWith('ip-') || part === 'ip') kinds.add('ip');
      else if (part === 'domain' || part === 'hostname') kinds.add('domain');
      else if (part === 'url' || part === 'link') kinds.add('url');
      else if (part === 'uri') kinds.add('uri');
      else if (part.startsWith('email')) kinds.add('email');
      else if (part === 'md5' || part === 'sha1' || part === 'sha256' || part === 'sha512') kinds.add(part);
    }
  }
  return kinds;
}

/** A PHP-delimited regex as misp-warninglists writes them (`/\.example\.com$/i`); undefined when JavaScript cannot run it. */
export function compilePhpRegex(entry: string): RegExp | undefined {
  const delimiter = entry.charAt(0);
  const end = entry.lastIndexOf(delimiter);
  if (entry.length < 2 || /[a-zA-Z0-9\\\s]/.test(delimiter) || end <= 0) return undefined;
  const flags = entry.slice(end + 1);
  if (!/^[imsu]*$/.test(flags)) return undefined;
  try {
    return new RegExp(entry.slice(1, end), flags);
  } catch {
    return undefined;
  }
}

interface KindIndex {
  /** `string` lists: exact value, lower-cased → list name. */
  readonly strings: Map<string, string>;
  /** `hostname` lists: a host and its subdomains → list name. */
  readonly hostnames: Map<string, string>;
  readonly substrings: { readonly needle: string; readonly list: string }[];
  readonly regexes: { readonly pattern: RegExp; readonly list: string }[];
}

/**
 * Warninglists compiled once into lookups per observable kind, so a check costs a few hash
 * lookups (plus one probe per prefix length for IPs, one per label for hosts, and a scan of the
 * rare substring and regex lists): cheap enough for every attribute of a million-attribute sync.
 *
 * Matching, on normalised values (as misp-sync stores them):
 *   string     the whole value equals an entry (case-insensitive); for a url, its host too
 *   hostname   the host (a domain, or a url's host) is an entry or a subdomain of one
 *   cidr       an ip address or range inside a listed range (IPv4 and IPv6)
 *   substring  the value contains an entry (case-insensitive)
 *   regex      the value matches the entry (PHP `/…/flags`; entries JavaScript cannot run are left out)
 */
export class WarninglistIndex {
  private readonly byKind = new Map<ObservableKind, KindIndex>();
  private readonly cidrs = new CidrTable<string>();
  /** Entries that could not be compiled (bad CIDR, unsupported regex), per list: reported once at load. */
  readonly unusable: { readonly list: string; readonly entry: string }[] = [];
  readonly listNames: readonly string[];

  constructor(lists: readonly Warninglist[]) {
    this.listNames = lists.map((list) => list.name);
    for (const list of lists) {
      const kinds = kindsOfMatchingAttributes(list.matchingAttributes);
      if (list.type === 'cidr') {
        if (!kinds.has('ip')) continue;
        for (const entry of list.list) if (!this.cidrs.set(entry.trim(), list.name)) this.unusable.push({ list: list.name, entry });
        continue;
      }
      for (const kind of kinds) {
        const index = this.indexOf(kind);
        for (const raw of list.list) {
          const entry = raw.trim().toLowerCase();
          if (entry === '') continue;
          if (list.type === 'string') setOnce(index.strings, stripDot(entry), list.name);
          else if (list.type === 'hostname') setOnce(index.hostnames, stripDot(entry.startsWith('.') ? entry.slice(1) : entry), list.name);
          else if (list.type === 'substring') index.substrings.push({ needle: entry, list: list.name });
          else {
            const pattern = compilePhpRegex(raw.trim());
            if (pattern === undefined) this.unusable.push({ list: list.name, entry: raw });
            else index.regexes.push({ pattern, list: list.name });
          }
        }
      }
    }
  }

  get size(): number {
    return this.listNames.length;
  }

  /** Whether any cidr list is loaded (callers skip parsing the address otherwise). */
  get hasRanges(): boolean {
    return this.cidrs.size > 0;
  }

  /** The cidr list an address or range (parsed once by the caller) is inside, or undefined. */
  matchIp(ip: ParsedIp): string | undefined {
    return this.cidrs.size === 0 ? undefined : this.cidrs.lookup(ip);
  }

  /** The name of a list the normalised observable is on, or undefined. */
  match(kind: ObservableKind, value: string): string | undefined {
    if (kind === 'ip') {
      if (this.cidrs.size === 0) return undefined;
      const ip = parseIp(value);
      return ip === undefined ? undefined : this.cidrs.lookup(ip);
    }
    const index = this.byKind.get(kind);
    if (index === undefined) return undefined;
    // Domains and hashes are held lower-case already (the core normalisers); urls keep their case.
    const lower = kind === 'url' || kind === 'uri' || kind === 'email' ? value.toLowerCase() : value;
    const exact = index.strings.get(lower);
    if (exact !== undefined) return exact;
    const host = kind === 'domain' ? lower : kind === 'url' ? hostOfUrl(lower) : undefined;
    if (host !== undefined) {
      if (kind === 'url') {
        const byHost = index.strings.get(host);
        if (byHost !== undefined) return byHost;
      }
      if (index.hostnames.size > 0) {
        // The host, then each parent on a label boundary (a.b.c → b.c → c).
        for (let start = 0; start !== -1; ) {
          const hit = index.hostnames.get(start === 0 ? host : host.slice(start));
          if (hit !== undefined) return hit;
          const dot = host.indexOf('.', start);
          start = dot === -1 ? -1 : dot + 1;
        }
      }
    }
    for (const { needle, list } of index.substrings) if (lower.includes(needle)) return list;
    for (const { pattern, list } of index.regexes) if (pattern.test(value)) return list;
    return undefined;
  }

  private indexOf(kind: ObservableKind): KindIndex {
    let index = this.byKind.get(kind);
    if (index === undefined) {
      index = { strings: new Map(), hostnames: new Map(), substrings: [], regexes: [] };
      this.byKind.set(kind, index);
    }
    return index;
  }
}

function setOnce(map: Map<string, string>, key: string, list: string): void {
  if (!map.has(key)) map.set(key, list);
}

function stripDot(entry: string): string {
  return entry.endsWith('.') ? entry.slice(0, -1) : entry;
}

/** The host of a normalised url (`scheme://[user@]host[:port]/…`), lower-case; undefined without `://`. */
export function hostOfUrl(url: string): string | undefined {
  const scheme = url.indexOf('://');
  if (scheme === -1) return undefined;
  let start = scheme + 3;
  let end = url.length;
  for (let i = start; i < url.length; i++) {
    const code = url.charCodeAt(i);
    if (code === 0x2f || code === 0x3f || code === 0x23) {
      end = i;
      break;
    }
  }
  const at = url.lastIndexOf('@', end);
  if (at >= start) start = at + 1;
  let host = url.slice(start, end);
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']') === -1 ? undefined : host.indexOf(']'));
  const colon = host.indexOf(':');
  if (colon !== -1) host = host.slice(0, colon);
  return stripDot(host);
}
