import { parseIp, type ObservableKind } from '@iocflow/core';
import { getPublicSuffix } from 'tldts';
import { WarninglistIndex, type Warninglist } from './warninglist-index';

/**
 * Why misp-sync refuses one observable an attribute would contribute — a closed set, the `reason`
 * label of iocflow_misp_sync_indicators_refused_total:
 *   broad_ip_range  an IP range shorter than the configured prefix (0.0.0.0/0, ::/0, and
 *                   ::ffff:0:0/96, which is IPv4's /0): in table mode it would match every address
 *   public_suffix   a domain that is a public suffix (co.uk, github.io): parent-domain matching
 *                   would match every registrable domain under it
 *   warninglist     on a MISP warninglist (known-benign: top sites, private ranges, empty-file hashes…)
 *   allowlist       on the local allowlist
 */
export type RefuseReason = 'broad_ip_range' | 'public_suffix' | 'warninglist' | 'allowlist';

export interface IndicatorGuardOptions {
  /** Shortest IPv4 range accepted (IOC_MIN_IPV4_PREFIX); IPv4-mapped IPv6 ranges count as IPv4. */
  readonly minIpv4Prefix: number;
  /** Shortest IPv6 range accepted (IOC_MIN_IPV6_PREFIX). */
  readonly minIpv6Prefix: number;
  readonly warninglists: readonly Warninglist[];
  /** Local allowlist entries: IPs/ranges, domains (and their subdomains), or exact values. */
  readonly allowlist: readonly string[];
}

export interface Refusal {
  readonly reason: RefuseReason;
  /** The list that matched, for warninglist and allowlist refusals. */
  readonly list?: string;
}

/**
 * False-positive control for one normalised observable, compiled once (lists indexed, see
 * WarninglistIndex): the same check for MISP attributes and feed entries. Pure; the caller counts
 * and logs.
 */
export class IndicatorGuard {
  private readonly warninglists: WarninglistIndex;
  private readonly allowlist: WarninglistIndex;

  constructor(private readonly options: IndicatorGuardOptions) {
    this.warninglists = new WarninglistIndex(options.warninglists);
    this.allowlist = new WarninglistIndex(allowlistAsWarninglists(options.allowlist));
  }

  /** Entries of the warninglists and the allowlist that could not be compiled (reported at boot). */
  get unusable(): readonly { readonly list: string; readonly entry: string }[] {
    return [...this.warninglists.unusable, ...this.allowlist.unusable];
  }

  get warninglistNames(): readonly string[] {
    return this.warninglists.listNames;
  }

  /** Why the observable is refused, or undefined when it may be stored. */
  refuse(kind: ObservableKind, value: string): Refusal | undefined {
    if (kind === 'ip') {
      // Parsed once, and only when a range or a list needs it (a bare address with no cidr list costs nothing).
      const ranged = value.indexOf('/') !== -1;
      if (!ranged && !this.allowlist.hasRanges && !this.warninglists.hasRanges) return undefined;
      const ip = parseIp(value);
      if (ip === undefined) return undefined;
      if (ranged && ip.prefix < (ip.family === 4 ? this.options.minIpv4Prefix : this.options.minIpv6Prefix)) return { reason: 'broad_ip_range' };
      const allowedIp = this.allowlist.matchIp(ip);
      if (allowedIp !== undefined) return { reason: 'allowlist', list: allowedIp };
      const listedIp = this.warninglists.matchIp(ip);
      return listedIp === undefined ? undefined : { reason: 'warninglist', list: listedIp };
    }
    if (kind === 'domain' && isPublicSuffix(value)) return { reason: 'public_suffix' };
    const allowed = this.allowlist.match(kind, value);
    if (allowed !== undefined) return { reason: 'allowlist', list: allowed };
    const listed = this.warninglists.match(kind, value);
    if (listed !== undefined) return { reason: 'warninglist', list: listed };
    return undefined;
  }
}

/**
 * A domain that is itself a public suffix, ICANN or private section of the Public Suffix List
 * (`co.uk`, `github.io`), by tldts. A single label (`com`) is one; an unknown TLD's single label is
 * the suffix by the list's default rule, its second-level names (`evil.zz`) are not.
 */
export function isPublicSuffix(domain: string): boolean {
  return getPublicSuffix(domain, TLDTS_OPTIONS) === domain;
}

/** The input is a normalised domain already: no URL parsing, no validation, no IP detection (the cheapest tldts path). */
const TLDTS_OPTIONS = { allowPrivateDomains: true, extractHostname: false, validateHostname: false, detectIp: false, mixedInputs: false } as const;

/** The allowlist as two lists: IPs and ranges (cidr), everything else as hosts and exact values. */
export function allowlistAsWarninglists(entries: readonly string[]): Warninglist[] {
  const ranges: string[] = [];
  const names: string[] = [];
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry === '' || entry.startsWith('#')) continue;
    if (parseIp(entry) !== undefined) ranges.push(entry);
    else names.push(entry);
  }
  return [
    { name: 'allowlist', type: 'cidr', list: ranges, matchingAttributes: [] },
    { name: 'allowlist', type: 'hostname', list: names, matchingAttributes: ['domain', 'url'] },
    { name: 'allowlist', type: 'string', list: names, matchingAttributes: [] },
  ];
}
