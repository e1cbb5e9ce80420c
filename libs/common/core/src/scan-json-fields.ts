import { isUtf8 } from 'node:buffer';
import type { FieldPath } from './ecs-field';

/**
 * A validating scan of one JSON text held as UTF-8 bytes that builds only the parts of the object
 * a set of field paths can read: the enricher's hot path (issue 14), where a whole-event
 * `JSON.parse` cost more than everything else the enricher does to an event.
 *
 * The scan walks the bytes once. It validates the whole text (UTF-8, and the JSON grammar as
 * `JSON.parse` reads it: white space, strings and their escapes, numbers, literals, nesting,
 * nothing after the value) and answers `undefined` for anything that is not one JSON object — so
 * the caller takes its `JSON.parse` path for the exact verdict and message. For an object it
 * returns `fields`: an object holding, at every level the paths lead through, only the keys a
 * path can continue with (`destination`, `destination.domain`, …), so that `getField(fields, path)`
 * answers what `getField(JSON.parse(text), path)` answers, for every planned path:
 *
 * - a key where a path ends holds its value as `JSON.parse` gives it (a string without escapes is
 *   decoded directly; anything else is parsed from its own bytes);
 * - a key a path goes through holds a partial object of the same kind, or `null` when the value is
 *   not an object (a path cannot go through it, as `getField` treats any non-object);
 * - a duplicate key replaces the earlier value, as in `JSON.parse` (the last one wins);
 * - keys written with escapes (`"sour\u0063e"`) are decoded before they are compared.
 *
 * Nesting is followed with an explicit stack (no recursion), so a deep text costs memory linear
 * in its depth, never the call stack; callers still bound depth first (jsonDepthExceeds).
 */
export interface JsonFieldScan {
  /** The planned fields the object holds (see above). */
  readonly fields: Record<string, unknown>;
  /** Where the JSON text starts: 3 after a UTF-8 byte order mark (which `TextDecoder` drops), else 0. */
  readonly start: number;
  /** Index of the object's closing brace (white space may follow it). */
  readonly close: number;
  /** Whether the object has no member. */
  readonly empty: boolean;
  /** Whether the object has one of the plan's watched top-level keys. */
  readonly watched: boolean;
}

/** One key of interest in an object the scan follows. */
interface PlanKey {
  readonly key: string;
  /** The key's UTF-8 bytes (without quotes), compared with keys written without escapes. */
  readonly bytes: Uint8Array;
  /** A path ends here: the whole value is wanted. */
  leaf: boolean;
  /** Keys wanted inside the value when it is an object (a path goes on from here). */
  inner: PlanNode | undefined;
  /** A top-level key whose presence is reported (`watched`). */
  watched: boolean;
}

interface PlanNode {
  readonly byKey: Map<string, PlanKey>;
  /** Candidates per UTF-8 byte length, so an unescaped key is compared with a few at most. */
  readonly byLength: (PlanKey[] | undefined)[];
}

/** What `scanJsonFields` looks for, compiled once from the field paths (per rules set). */
export interface JsonFieldPlan {
  readonly root: PlanNode;
}

/**
 * The plan for `paths` (compiled with compileFieldPath: every nested/dotted spelling of each path
 * is followed) and `watched` top-level keys, whose presence `scanJsonFields` reports.
 */
export function planJsonFields(paths: readonly FieldPath[], watched: readonly string[] = []): JsonFieldPlan {
  const root = planNode();
  for (const path of paths) addPath(root, path, 0);
  for (const key of watched) planKey(root, key).watched = true;
  return { root };
}

function planNode(): PlanNode {
  return { byKey: new Map(), byLength: [] };
}

function planKey(node: PlanNode, key: string): PlanKey {
  let entry = node.byKey.get(key);
  if (entry === undefined) {
    const bytes = Buffer.from(key, 'utf8');
    entry = { key, bytes, leaf: false, inner: undefined, watched: false };
    node.byKey.set(key, entry);
    const list = node.byLength[bytes.length];
    if (list === undefined) node.byLength[bytes.length] = [entry];
    else list.push(entry);
  }
  return entry;
}

/** Every way `getField` may read `path` from segment `from` on, as getField's `find` tries them. */
function addPath(node: PlanNode, path: FieldPath, from: number): void {
  const last = path.segments.length - 1;
  const keys = path.keys[from] ?? [];
  for (let to = from; to <= last; to++) {
    const entry = planKey(node, keys[to] ?? '');
    if (to === last) {
      entry.leaf = true;
    } else {
      entry.inner ??= planNode();
      addPath(entry.inner, path, to + 1);
    }
  }
}

const OBJECT = 1;
const ARRAY = 2;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/**
 * Scan `bytes` (see JsonFieldScan). `undefined` = not one valid JSON object in valid UTF-8 (one
 * leading byte order mark allowed, as the enricher's UTF-8 decoding drops it): exactly the texts
 * on which decoding and `JSON.parse` would fail or give something other than an object.
 */
export function scanJsonFields(input: Uint8Array, plan: JsonFieldPlan): JsonFieldScan | undefined {
  if (!isUtf8(input)) return undefined;
  const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const end = bytes.length;
  const start = end >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const fields: Record<string, unknown> = {};

  // The open containers: kind, the plan for an object the scan follows, and the partial object it fills.
  const kinds: number[] = [];
  const nodes: (PlanNode | undefined)[] = [];
  const targets: (Record<string, unknown> | undefined)[] = [];
  let depth = 0;

  // The key just read in a followed object, waiting for its value.
  let wanted: PlanKey | undefined;
  let wantedIn: Record<string, unknown> | undefined;
  // A value wanted whole, being skipped: where it starts, at which depth, and where it goes.
  let leafStart = -1;
  let leafDepth = -1;
  let leafKey = '';
  let leafIn: Record<string, unknown> | undefined;

  let topKeys = 0;
  let watched = false;

  let i = skipSpace(bytes, start);
  if (bytes[i] !== OPEN_OBJECT) return undefined;
  let root = true;

  // Each turn reads one value at `i`, then the commas, keys and closing brackets after it.
  for (;;) {
    if ((bytes[i] as number) <= 0x20) i = skipSpace(bytes, i);
    if (i >= end) return undefined;
    const byte = bytes[i];
    const want = wanted;
    const into = wantedIn;
    wanted = undefined;
    wantedIn = undefined;
    if (want !== undefined && into !== undefined) {
      if (want.leaf) {
        leafStart = i;
        leafDepth = depth;
        leafKey = want.key;
        leafIn = into;
      } else if (byte !== OPEN_OBJECT) {
        assign(into, want.key, null);
      }
    }
    let expectKey = false;
    if (byte === OPEN_OBJECT) {
      let node: PlanNode | undefined;
      let target: Record<string, unknown> | undefined;
      if (root) {
        node = plan.root;
        target = fields;
        root = false;
      } else if (want !== undefined && into !== undefined && !want.leaf && want.inner !== undefined) {
        node = want.inner;
        target = {};
        assign(into, want.key, target);
      }
      i += 1;
      if ((bytes[i] as number) <= 0x20) i = skipSpace(bytes, i);
      if (bytes[i] === CLOSE_OBJECT) {
        i += 1;
      } else {
        kinds[depth] = OBJECT;
        nodes[depth] = node;
        targets[depth] = target;
        depth += 1;
        expectKey = true;
      }
    } else if (byte === OPEN_ARRAY) {
      i += 1;
      if ((bytes[i] as number) <= 0x20) i = skipSpace(bytes, i);
      if (bytes[i] === CLOSE_ARRAY) {
        i += 1;
      } else {
        kinds[depth] = ARRAY;
        nodes[depth] = undefined;
        targets[depth] = undefined;
        depth += 1;
        continue;
      }
    } else {
      i = byte === QUOTE ? skipString(bytes, i) : skipScalar(bytes, i);
      if (i < 0) return undefined;
    }

    // after a complete value: close containers, or move past a comma (and the next key)
    while (!expectKey) {
      if (depth === leafDepth && leafIn !== undefined) {
        assign(leafIn, leafKey, valueAt(bytes, leafStart, i));
        leafIn = undefined;
        leafDepth = -1;
      }
      if (depth === 0) {
        const close = i - 1;
        if (skipSpace(bytes, i) !== end) return undefined;
        return { fields, start, close, empty: topKeys === 0, watched };
      }
      if ((bytes[i] as number) <= 0x20) i = skipSpace(bytes, i);
      const container = kinds[depth - 1];
      const next = bytes[i];
      if (next === COMMA) {
        i += 1;
        if (container === ARRAY) break;
        expectKey = true;
      } else if ((container === OBJECT && next === CLOSE_OBJECT) || (container === ARRAY && next === CLOSE_ARRAY)) {
        depth -= 1;
        i += 1;
      } else {
        return undefined;
      }
    }

    if (expectKey) {
      // `"key" :`, then the loop reads its value
      const keyStart = (bytes[i] as number) <= 0x20 ? skipSpace(bytes, i) : i;
      if (bytes[keyStart] !== QUOTE) return undefined;
      i = skipString(bytes, keyStart);
      if (i < 0) return undefined;
      const node = nodes[depth - 1];
      if (depth === 1) topKeys += 1;
      if (node !== undefined) {
        const entry = findKey(bytes, keyStart, i, node);
        if (entry !== undefined) {
          if (entry.watched) watched = true;
          if (entry.leaf || entry.inner !== undefined) {
            wanted = entry;
            wantedIn = targets[depth - 1];
          }
        }
      }
      if ((bytes[i] as number) <= 0x20) i = skipSpace(bytes, i);
      if (bytes[i] !== COLON) return undefined;
      i += 1;
    }
  }
}

/** The plan's entry for the key string just skipped at [start, end), quotes included. */
function findKey(bytes: Buffer, start: number, end: number, node: PlanNode): PlanKey | undefined {
  if (stringEscaped) return node.byKey.get(JSON.parse((bytes as unknown as SlicingBuffer).utf8Slice(start, end)) as string);
  const candidates = node.byLength[end - start - 2];
  if (candidates === undefined) return undefined;
  for (const candidate of candidates) {
    const key = candidate.bytes;
    let k = 0;
    while (k < key.length && bytes[start + 1 + k] === key[k]) k++;
    if (k === key.length) return candidate;
  }
  return undefined;
}

/**
 * Node's own slicing decoders (on every Buffer since Node 0.x; `toString(encoding, start, end)`
 * calls them after checking its arguments, which costs more than decoding a short value).
 */
interface SlicingBuffer {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

/** The (valid) JSON value at [start, end) as JSON.parse gives it; a string must be the one just skipped. */
function valueAt(bytes: Buffer, start: number, end: number): unknown {
  const slicing = bytes as unknown as SlicingBuffer;
  if (bytes[start] === QUOTE && !stringEscaped) {
    // a string without escapes is its bytes; ASCII bytes are their Latin-1 characters
    return stringAscii ? slicing.latin1Slice(start + 1, end - 1) : slicing.utf8Slice(start + 1, end - 1);
  }
  return JSON.parse(slicing.utf8Slice(start, end)) as unknown;
}

/** An own, enumerable, writable property, as JSON.parse makes it (`__proto__` included). */
function assign(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}

/** Past JSON white space (space, tab, LF, CR). Hot call sites test `<= 0x20` first: compact JSON has none. */
function skipSpace(bytes: Buffer, i: number): number {
  for (;;) {
    const byte = bytes[i];
    if (byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) i += 1;
    else return i;
  }
}

/**
 * Byte classes inside a string: 0 = plain ASCII, 1 = closing quote, 2 = backslash, 3 = control
 * character (invalid unescaped), 4 = a byte of a multi-byte UTF-8 character (valid: checked first).
 */
const STRING_BYTE = new Uint8Array(256);
for (let byte = 0; byte < 0x20; byte += 1) STRING_BYTE[byte] = 3;
for (let byte = 0x80; byte < 0x100; byte += 1) STRING_BYTE[byte] = 4;
STRING_BYTE[QUOTE] = 1;
STRING_BYTE[BACKSLASH] = 2;

/** What the last skipString saw: an escape, and only ASCII (read by findKey and valueAt, no allocation). */
let stringEscaped = false;
let stringAscii = true;

/** Past a string starting at the quote at `i`; -1 when it is not a valid JSON string. */
function skipString(bytes: Buffer, i: number): number {
  const end = bytes.length;
  let escaped = false;
  let ascii = true;
  i += 1;
  while (i < end) {
    // the plain run is the hot loop: one table load per byte
    let kind = STRING_BYTE[bytes[i] as number] as number;
    while (kind === 0 && ++i < end) kind = STRING_BYTE[bytes[i] as number] as number;
    if (i >= end) return -1;
    if (kind === 1) {
      stringEscaped = escaped;
      stringAscii = ascii;
      return i + 1;
    }
    if (kind === 4) {
      ascii = false;
      i += 1;
      continue;
    }
    if (kind === 3) return -1;
    escaped = true;
    const next = bytes[i + 1];
    if (next === 0x75) {
      // \uXXXX (a lone surrogate is valid JSON: JSON.parse keeps it)
      for (let k = i + 2; k < i + 6; k += 1) if (!isHexDigit(bytes[k])) return -1;
      i += 6;
    } else if (
      next === QUOTE ||
      next === BACKSLASH ||
      next === 0x2f || // /
      next === 0x62 || // b
      next === 0x66 || // f
      next === 0x6e || // n
      next === 0x72 || // r
      next === 0x74 // t
    ) {
      i += 2;
    } else {
      return -1;
    }
  }
  return -1;
}

function isHexDigit(byte: number | undefined): boolean {
  return byte !== undefined && ((byte >= ZERO && byte <= NINE) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66));
}

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= ZERO && byte <= NINE;
}

/** Past a number or `true` / `false` / `null` at `i`; -1 when there is none. */
function skipScalar(bytes: Buffer, i: number): number {
  const byte = bytes[i];
  if (byte === 0x74) return literal(bytes, i, 'true');
  if (byte === 0x66) return literal(bytes, i, 'false');
  if (byte === 0x6e) return literal(bytes, i, 'null');
  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  if (bytes[i] === MINUS) i += 1;
  if (bytes[i] === ZERO) {
    i += 1;
  } else if (isDigit(bytes[i])) {
    while (isDigit(bytes[i])) i += 1;
  } else {
    return -1;
  }
  if (bytes[i] === DOT) {
    i += 1;
    if (!isDigit(bytes[i])) return -1;
    while (isDigit(bytes[i])) i += 1;
  }
  if (bytes[i] === 0x65 || bytes[i] === 0x45) {
    i += 1;
    if (bytes[i] === PLUS || bytes[i] === MINUS) i += 1;
    if (!isDigit(bytes[i])) return -1;
    while (isDigit(bytes[i])) i += 1;
  }
  return i;
}

function literal(bytes: Buffer, i: number, word: string): number {
  for (let k = 0; k < word.length; k += 1) if (bytes[i + k] !== word.charCodeAt(k)) return -1;
  return i + word.length;
}
