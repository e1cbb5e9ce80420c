import { normaliseValue } from './normalise-observable';
import type { Observable, ObservableKind } from './observable-kind';

/**
 * How each supported MISP attribute type maps to observables. Composite types (`a|b`) list one
 * kind per part; `null` marks a part that is not matched (the filename of `filename|md5`, the port
 * of `ip-dst|port`). Types not listed (`link`, `text`, `regkey`, ...) are not indicators we match:
 * `link` in particular points at a report about the threat, not at the threat.
 */
export const MISP_TYPE_KINDS = {
  domain: ['domain'],
  hostname: ['domain'],
  'domain|ip': ['domain', 'ip'],
  'hostname|port': ['domain', null],
  'ip-src': ['ip'],
  'ip-dst': ['ip'],
  'ip-src|port': ['ip', null],
  'ip-dst|port': ['ip', null],
  url: ['url'],
  uri: ['uri'],
  md5: ['md5'],
  sha1: ['sha1'],
  sha256: ['sha256'],
  sha512: ['sha512'],
  'filename|md5': [null, 'md5'],
  'filename|sha1': [null, 'sha1'],
  'filename|sha256': [null, 'sha256'],
  'filename|sha512': [null, 'sha512'],
  email: ['email'],
  'email-src': ['email'],
  'email-dst': ['email'],
} as const satisfies Record<string, readonly (ObservableKind | null)[]>;

export type SupportedMispType = keyof typeof MISP_TYPE_KINDS;

/** The MISP attribute types iocflow turns into observables, e.g. for a restSearch `type` filter. */
export const SUPPORTED_MISP_TYPES = Object.keys(MISP_TYPE_KINDS) as readonly SupportedMispType[];

export function isSupportedMispType(type: string): type is SupportedMispType {
  return Object.hasOwn(MISP_TYPE_KINDS, type);
}

/**
 * The normalised observables of one MISP attribute; [] for unsupported types or invalid values.
 * A composite value yields what its valid parts yield (`domain|ip` with a bad ip still yields the
 * domain). Values are not refanged: MISP attribute values are stored clean.
 */
export function mispAttributeObservables(type: string, value: string): Observable[] {
  if (!isSupportedMispType(type)) return [];
  const kinds: readonly (ObservableKind | null)[] = MISP_TYPE_KINDS[type];
  const parts = kinds.length === 1 ? [value] : splitComposite(type, value);
  const result: Observable[] = [];
  kinds.forEach((kind, index) => {
    const part = parts[index];
    if (kind === null || part === undefined) return;
    const normalised = normaliseValue(kind, part);
    if (normalised !== undefined) result.push({ kind, value: normalised });
  });
  return result;
}

/**
 * Split a composite value into its two parts. MISP separates them with `|`; `|port` types are also
 * found written as `1.2.3.4:80`, `[::1]:80` or `[::1]|80` by feeds and older instances.
 */
function splitComposite(type: SupportedMispType, value: string): [string, string] | [] {
  const text = value.trim();
  if (type.startsWith('filename|')) {
    // Hashes never contain `|`, filenames may: the last `|` is the separator.
    const bar = text.lastIndexOf('|');
    return bar === -1 ? [] : [text.slice(0, bar), text.slice(bar + 1)];
  }
  const bar = text.indexOf('|');
  if (bar !== -1) return [stripBrackets(text.slice(0, bar)), text.slice(bar + 1)];
  if (!type.endsWith('|port')) return [];
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1 || text.charCodeAt(close + 1) !== 0x3a) return [];
    return [text.slice(1, close), text.slice(close + 2)];
  }
  // Without brackets only a single colon separates a port: `::1:80` is ambiguous, reject it.
  // No colon at all: a host without its port, still worth matching.
  const colon = text.indexOf(':');
  if (colon === -1) return [text, ''];
  if (text.indexOf(':', colon + 1) !== -1) return [];
  return [text.slice(0, colon), text.slice(colon + 1)];
}

function stripBrackets(text: string): string {
  return text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
}
