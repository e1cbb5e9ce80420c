/**
 * A field path compiled once (per configured rule) for `getField`/`fieldValues`.
 * `keys[i][j]` is segments i..j joined with dots, so that every way an event may spell the path —
 * nested (`{destination: {domain}}`), flattened (`{'destination.domain': …}`) or mixed — is
 * tried without building strings per event.
 */
export interface FieldPath {
  readonly path: string;
  readonly segments: readonly string[];
  readonly keys: readonly (readonly string[])[];
}

/** Compile a dotted ECS path (`destination.domain`). Empty segments are not allowed. */
export function compileFieldPath(path: string): FieldPath {
  const segments = path.split('.');
  if (segments.some((segment) => segment.length === 0)) throw new Error(`Invalid field path "${path}": empty segment`);
  const keys = segments.map((_, i) => segments.map((__, j) => (j < i ? '' : segments.slice(i, j + 1).join('.'))));
  return { path, segments, keys };
}

/**
 * The value at `path` in an event, or undefined. Nested objects are preferred; when a nested
 * branch does not lead to a value, dotted keys at that level are tried (`{url: {full}}`,
 * `{'url.full': …}`, `{destination: {'geo.name': …}}`). Arrays are leaves: a path does not descend
 * into them. Only own properties are read, so `constructor` or `__proto__` paths find nothing.
 */
export function getField(event: unknown, path: FieldPath | string): unknown {
  const compiled = typeof path === 'string' ? compileFieldPath(path) : path;
  return find(event, compiled, 0);
}

/**
 * The string values at `path`: `[value]` for a string, the strings of an array (`related.ip`),
 * [] otherwise. Non-strings are ignored here; the caller decides whether to report them.
 */
export function fieldValues(event: unknown, path: FieldPath | string): string[] {
  const value = getField(event, path);
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) return [];
  const strings: string[] = [];
  for (const item of value) if (typeof item === 'string') strings.push(item);
  return strings;
}

function find(node: unknown, path: FieldPath, from: number): unknown {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
  const record = node as Record<string, unknown>;
  const last = path.segments.length - 1;
  const keys = path.keys[from] ?? [];
  for (let to = from; to <= last; to++) {
    const key = keys[to] ?? '';
    if (!Object.hasOwn(record, key)) continue;
    const child = record[key];
    const value = to === last ? child : find(child, path, to + 1);
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}
