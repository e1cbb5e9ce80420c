import { isUtf8 } from 'node:buffer';
import type { FieldPath } from './ecs-field';
import { CLOSE_ARRAY, CLOSE_OBJECT, COLON, COMMA, OPEN_ARRAY, OPEN_OBJECT, QUOTE, lastString, skipScalar, skipSpace, skipString } from './json-lexer';

/**
 * A validating scan of one JSON text held as UTF-8 bytes that hands over only the values a set of
 * field paths reads: the enricher's hot path (issue 14), where a whole-event `JSON.parse` cost
 * more than everything else the enricher does to an event.
 *
 * The scan walks the bytes once. It validates the whole text (UTF-8, and the JSON grammar as
 * `JSON.parse` reads it: white space, strings and their escapes, numbers, literals, nesting,
 * nothing after the value) and answers `undefined` for anything that is not one JSON object — so
 * the caller takes its `JSON.parse` path for the exact verdict and message. For an object,
 * `value(i)` answers what `getField(JSON.parse(text), paths[i])` answers, built directly from the
 * bytes where the path ends (no partial objects, nothing walked again):
 *
 * - every spelling of a path (nested, dotted, mixed) is a slot the scan fills where it ends;
 *   `value(i)` takes the first slot, in the order getField tries the spellings, that holds
 *   something other than `null`;
 * - a value is as `JSON.parse` gives it (a string without escapes is decoded directly; anything
 *   else is parsed from its own bytes);
 * - a duplicate key keeps the last value, as in `JSON.parse`; when a key a path goes *through*
 *   occurs twice in one object, what was found under the first would have to be forgotten, so
 *   the scan answers `undefined` instead (rare in logs: the caller's `JSON.parse` path decides);
 * - keys written with escapes (`"sour\u0063e"`) are decoded before they are compared.
 *
 * The values live in the plan (per slot, stamped with the scan that wrote them): nothing is
 * allocated per event on the way, and a scan's `value` refuses to answer once the plan scanned
 * another text. Nesting is followed with an explicit stack (no recursion), so a deep text costs
 * memory linear in its depth, never the call stack; callers still bound depth first
 * (jsonDepthExceeds).
 */
export class JsonFieldScan {
  constructor(
    /** The plan this text was scanned with (`value(i)` reads its path i). */
    readonly plan: JsonFieldPlan,
    private readonly id: number,
    /** Where the JSON text starts: 3 after a UTF-8 byte order mark (which `TextDecoder` drops), else 0. */
    readonly start: number,
    /** Index of the object's closing brace (white space may follow it). */
    readonly close: number,
    /** Whether the object has no member. */
    readonly empty: boolean,
    /** Whether the object has one of the plan's watched top-level keys. */
    readonly watched: boolean,
  ) {}

  /** What `getField(JSON.parse(text), paths[index])` gives (undefined: no value). Only until the plan's next scan. */
  value(index: number): unknown {
    const plan = this.plan;
    if (plan.scanId !== this.id) throw new Error('JsonFieldScan.value read after its plan scanned another text');
    const slots = plan.pathSlots[index];
    if (slots === undefined) return undefined;
    for (let s = 0; s < slots.length; s++) {
      const slot = slots[s] as number;
      if (plan.stamps[slot] !== this.id) continue;
      const value = plan.values[slot];
      if (value !== null && value !== undefined) return value;
    }
    return undefined;
  }
}

/** One key of interest in an object the scan follows. */
interface PlanKey {
  readonly key: string;
  /** The key's UTF-8 bytes (without quotes), compared with keys written without escapes. */
  readonly bytes: Uint8Array;
  /** The slots of the paths that end here (the whole value is wanted); empty when none does. */
  readonly slots: number[];
  /** Keys wanted inside the value when it is an object (a path goes on from here). */
  inner: PlanNode | undefined;
  /** A top-level key whose presence is reported (`watched`). */
  watched: boolean;
  /** The scan that last met this key (a second meeting in one scan is a duplicate key). */
  seen: number;
}

interface PlanNode {
  readonly byKey: Map<string, PlanKey>;
  /** Candidates per UTF-8 byte length, so an unescaped key is compared with a few at most. */
  readonly byLength: (PlanKey[] | undefined)[];
}

/** What `scanJsonFields` looks for, compiled once from the field paths (per rules set), and its scratch. */
export interface JsonFieldPlan {
  readonly root: PlanNode;
  /** Per path, its slots in the order getField tries the spellings. */
  readonly pathSlots: readonly (readonly number[])[];
  /** Per slot, the value the scan `stamps` names last found there. */
  readonly values: unknown[];
  readonly stamps: Int32Array;
  /** Every key of the plan (their `seen` stamps are reset when the scan counter wraps). */
  readonly keys: readonly PlanKey[];
  /** The latest scan's id (1 … 2^30 − 1, then round again). */
  scanId: number;
  /**
   * The scan's stack of open containers (kind, and the plan node of a followed object), reused
   * by every scan with this plan: a scan is synchronous, and fresh arrays per event were a large
   * share of the hot path's young-generation garbage (docs/benchmarks.md). Grows to the deepest
   * text seen (bounded by the caller's depth limit).
   */
  readonly kinds: number[];
  readonly nodes: (PlanNode | undefined)[];
}

/**
 * The plan for `paths` (compiled with compileFieldPath: every nested/dotted spelling of each path
 * is followed) and `watched` top-level keys, whose presence `scanJsonFields` reports.
 */
export function planJsonFields(paths: readonly FieldPath[], watched: readonly string[] = []): JsonFieldPlan {
  const root = planNode();
  const keys: PlanKey[] = [];
  const counter = { slots: 0 };
  const pathSlots = paths.map((path) => {
    const slots: number[] = [];
    addPath(root, path, 0, slots, keys, counter);
    return slots;
  });
  for (const key of watched) planKey(root, key, keys).watched = true;
  return { root, pathSlots, values: new Array<unknown>(counter.slots).fill(undefined), stamps: new Int32Array(counter.slots), keys, scanId: 0, kinds: [], nodes: [] };
}

function planNode(): PlanNode {
  return { byKey: new Map(), byLength: [] };
}

function planKey(node: PlanNode, key: string, keys: PlanKey[]): PlanKey {
  let entry = node.byKey.get(key);
  if (entry === undefined) {
    const bytes = Buffer.from(key, 'utf8');
    entry = { key, bytes, slots: [], inner: undefined, watched: false, seen: 0 };
    node.byKey.set(key, entry);
    keys.push(entry);
    const list = node.byLength[bytes.length];
    if (list === undefined) node.byLength[bytes.length] = [entry];
    else list.push(entry);
  }
  return entry;
}

/** Every way `getField` may read `path` from segment `from` on, in the order getField's `find` tries them (depth first). */
function addPath(node: PlanNode, path: FieldPath, from: number, slots: number[], keys: PlanKey[], counter: { slots: number }): void {
  const last = path.segments.length - 1;
  const spellings = path.keys[from] ?? [];
  for (let to = from; to <= last; to++) {
    const entry = planKey(node, spellings[to] ?? '', keys);
    if (to === last) {
      const slot = counter.slots++;
      entry.slots.push(slot);
      slots.push(slot);
    } else {
      entry.inner ??= planNode();
      addPath(entry.inner, path, to + 1, slots, keys, counter);
    }
  }
}

const OBJECT = 1;
const ARRAY = 2;
const MAX_SCAN_ID = 0x3fffffff;

/**
 * Scan `bytes` (see JsonFieldScan). `undefined` = not vouched for: not one valid JSON object in
 * valid UTF-8 (one leading byte order mark allowed, as the enricher's UTF-8 decoding drops it) —
 * exactly the texts on which decoding and `JSON.parse` would fail or give something other than an
 * object — or an object in which a key a path goes through occurs twice.
 */
export function scanJsonFields(input: Uint8Array, plan: JsonFieldPlan): JsonFieldScan | undefined {
  if (!isUtf8(input)) return undefined;
  const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const end = bytes.length;
  const start = end >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const id = nextScanId(plan);
  const values = plan.values;
  const stamps = plan.stamps;

  // The open containers: kind, and the plan for an object the scan follows (the plan's scratch:
  // entries at or above `depth` are left from earlier scans and never read).
  const kinds = plan.kinds;
  const nodes = plan.nodes;
  let depth = 0;

  // The key just read in a followed object, waiting for its value.
  let wanted: PlanKey | undefined;
  // A value wanted whole, being skipped: where it starts, at which depth, and whose slots it fills.
  let leafStart = -1;
  let leafDepth = -1;
  let leaf: PlanKey | undefined;

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
    wanted = undefined;
    if (want !== undefined && want.slots.length > 0) {
      leafStart = i;
      leafDepth = depth;
      leaf = want;
    }
    let expectKey = false;
    if (byte === OPEN_OBJECT) {
      let node: PlanNode | undefined;
      if (root) {
        node = plan.root;
        root = false;
      } else if (want !== undefined) {
        node = want.inner;
      }
      i += 1;
      if ((bytes[i] as number) <= 0x20) i = skipSpace(bytes, i);
      if (bytes[i] === CLOSE_OBJECT) {
        i += 1;
      } else {
        kinds[depth] = OBJECT;
        nodes[depth] = node;
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
        depth += 1;
        continue;
      }
    } else {
      i = byte === QUOTE ? skipString(bytes, i) : skipScalar(bytes, i);
      if (i < 0) return undefined;
    }

    // after a complete value: close containers, or move past a comma (and the next key)
    while (!expectKey) {
      if (depth === leafDepth && leaf !== undefined) {
        const value = valueAt(bytes, leafStart, i);
        for (const slot of leaf.slots) {
          values[slot] = value;
          stamps[slot] = id;
        }
        leaf = undefined;
        leafDepth = -1;
      }
      if (depth === 0) {
        const close = i - 1;
        if (skipSpace(bytes, i) !== end) return undefined;
        return new JsonFieldScan(plan, id, start, close, topKeys === 0, watched);
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
          if (entry.seen === id && entry.inner !== undefined) return undefined;
          entry.seen = id;
          if (entry.slots.length > 0 || entry.inner !== undefined) wanted = entry;
        }
      }
      if ((bytes[i] as number) <= 0x20) i = skipSpace(bytes, i);
      if (bytes[i] !== COLON) return undefined;
      i += 1;
    }
  }
}

/** The next scan id; when the counter wraps, every stamp is cleared so no old one can match. */
function nextScanId(plan: JsonFieldPlan): number {
  let id = plan.scanId + 1;
  if (id > MAX_SCAN_ID) {
    plan.stamps.fill(0);
    for (const key of plan.keys) key.seen = 0;
    id = 1;
  }
  plan.scanId = id;
  return id;
}

/** The plan's entry for the key string just skipped at [start, end), quotes included. */
function findKey(bytes: Buffer, start: number, end: number, node: PlanNode): PlanKey | undefined {
  if (lastString.escaped) return node.byKey.get(JSON.parse((bytes as unknown as SlicingBuffer).utf8Slice(start, end)) as string);
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
  if (bytes[start] === QUOTE && !lastString.escaped) {
    // a string without escapes is its bytes; ASCII bytes are their Latin-1 characters
    return lastString.ascii ? slicing.latin1Slice(start + 1, end - 1) : slicing.utf8Slice(start + 1, end - 1);
  }
  return JSON.parse(slicing.utf8Slice(start, end)) as unknown;
}
