import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { MispSyncConfig } from '../misp-sync.config';
import { AttributeSelection } from './attribute-selection';
import { DEFAULT_WARNINGLISTS } from './default-warninglists';
import { ExpiryPolicy, type MaxAgeByKind } from './expiry-policy';
import { IndicatorFilter } from './indicator-filter';
import { IndicatorGuard } from './indicator-guard';
import { parseWarninglist, type Warninglist } from './warninglist-index';
import type { TlpLevel } from './tlp-rank';

/** Selection, false-positive control and expiry, compiled once at boot from the validated config. */
export interface BuiltSelection {
  readonly selection: AttributeSelection;
  readonly guard: IndicatorGuard;
  readonly expiry: ExpiryPolicy;
  readonly filter: IndicatorFilter;
}

/** A setting that names files misp-sync cannot use: fails the boot, as a bad variable does. */
export class SelectionConfigError extends Error {
  override readonly name = 'SelectionConfigError';
}

/**
 * Per-kind maximum ages (seconds) from IOC_EXPIRY / IOC_MAX_AGE_* / MISP_MAX_ATTRIBUTE_AGE: the
 * global maximum attribute age caps every kind (and applies even with IOC_EXPIRY=false).
 */
export function maxAgesOf(config: Pick<MispSyncConfig, 'IOC_EXPIRY' | 'IOC_MAX_AGE_IP' | 'IOC_MAX_AGE_DOMAIN' | 'IOC_MAX_AGE_URL' | 'IOC_MAX_AGE_EMAIL' | 'IOC_MAX_AGE_HASH' | 'MISP_MAX_ATTRIBUTE_AGE'>): MaxAgeByKind {
  const cap = Math.floor(config.MISP_MAX_ATTRIBUTE_AGE / 1000);
  const age = (ms: number) => {
    const own = config.IOC_EXPIRY ? Math.floor(ms / 1000) : 0;
    return own === 0 ? cap : cap === 0 ? own : Math.min(own, cap);
  };
  const hash = age(config.IOC_MAX_AGE_HASH);
  const url = age(config.IOC_MAX_AGE_URL);
  return { ip: age(config.IOC_MAX_AGE_IP), domain: age(config.IOC_MAX_AGE_DOMAIN), url, uri: url, email: age(config.IOC_MAX_AGE_EMAIL), md5: hash, sha1: hash, sha256: hash, sha512: hash };
}

/**
 * The warninglists in use: every `<name>/list.json` of MISP_WARNINGLISTS_DIR (a checkout's root
 * with `lists/`, or the folder of lists itself) or of the shipped set, narrowed by MISP_WARNINGLISTS.
 */
export function loadWarninglists(dir: string | undefined, names: readonly string[]): Warninglist[] {
  if (names.length === 1 && names[0] === 'none') return [];
  const all = names.length === 0 || (names.length === 1 && names[0] === 'all');
  const available = dir === undefined ? new Map(Object.entries(DEFAULT_WARNINGLISTS)) : readListFolder(dir);
  const wanted = all ? [...available.keys()].sort() : [...names];
  const lists: Warninglist[] = [];
  for (const name of wanted) {
    const json = available.get(name);
    if (json === undefined) throw new SelectionConfigError(`MISP_WARNINGLISTS: no list ${name} in ${dir ?? 'the shipped set'}`);
    const parsed = parseWarninglist(json, name);
    if (!parsed.ok) throw new SelectionConfigError(`warninglist ${name}: ${parsed.reason}`);
    lists.push(parsed.list);
  }
  return lists;
}

function readListFolder(dir: string): Map<string, unknown> {
  const root = isDirectory(path.join(dir, 'lists')) ? path.join(dir, 'lists') : dir;
  if (!isDirectory(root)) throw new SelectionConfigError(`MISP_WARNINGLISTS_DIR: ${dir} is not a folder`);
  const lists = new Map<string, unknown>();
  for (const name of readdirSync(root)) {
    const file = path.join(root, name, 'list.json');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    try {
      lists.set(name, JSON.parse(text));
    } catch {
      throw new SelectionConfigError(`warninglist ${file} is not JSON`);
    }
  }
  return lists;
}

function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/** IOC_ALLOWLIST plus the lines of IOC_ALLOWLIST_FILE (`#` starts a comment). */
export function loadAllowlist(entries: readonly string[], file: string | undefined): string[] {
  const values = [...entries];
  if (file === undefined) return values;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SelectionConfigError(`IOC_ALLOWLIST_FILE: ${file} cannot be read (${error instanceof Error && 'code' in error ? String(error.code) : 'error'})`);
  }
  for (const line of text.split(/\r?\n/)) {
    const value = line.replace(/#.*/, '').trim();
    if (value !== '') values.push(value);
  }
  return values;
}

export function buildSelection(config: MispSyncConfig): BuiltSelection {
  const selection = new AttributeSelection({
    publishedOnly: config.MISP_PUBLISHED_ONLY,
    includeTags: config.MISP_TAGS_INCLUDE,
    excludeTags: config.MISP_TAGS_EXCLUDE,
    orgs: config.MISP_ORGS,
    maxTlp: config.MISP_MAX_TLP as TlpLevel,
    distributions: config.MISP_DISTRIBUTIONS.map(Number),
    excludeDecayed: config.MISP_EXCLUDE_DECAYED,
    ...(config.MISP_DECAY_SCORE_THRESHOLD === undefined ? {} : { decayScoreThreshold: config.MISP_DECAY_SCORE_THRESHOLD }),
  });
  const guard = new IndicatorGuard({
    minIpv4Prefix: config.IOC_MIN_IPV4_PREFIX,
    minIpv6Prefix: config.IOC_MIN_IPV6_PREFIX,
    warninglists: loadWarninglists(config.MISP_WARNINGLISTS_DIR, config.MISP_WARNINGLISTS),
    allowlist: loadAllowlist(config.IOC_ALLOWLIST, config.IOC_ALLOWLIST_FILE),
  });
  const expiry = new ExpiryPolicy(maxAgesOf(config));
  return { selection, guard, expiry, filter: new IndicatorFilter(selection, guard, expiry) };
}
