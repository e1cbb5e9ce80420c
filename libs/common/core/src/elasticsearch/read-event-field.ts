/**
 * The value at a dotted ECS path (`event.id`) of a parsed event. Producers write ECS both nested
 * (`{"event":{"id":…}}`) and flattened (`{"event.id":…}`, as Filebeat test output does), and
 * Elasticsearch treats both as the same field, so every split of the path is tried: at each level
 * the longest literal key wins.
 */
export function readEventField(event: unknown, path: string): unknown {
  if (path.length === 0) return undefined;
  return read(event, path.split('.'));
}

function read(node: unknown, segments: readonly string[]): unknown {
  if (segments.length === 0) return node;
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
  const object = node as Record<string, unknown>;
  for (let take = segments.length; take >= 1; take -= 1) {
    const key = segments.slice(0, take).join('.');
    if (Object.prototype.hasOwnProperty.call(object, key)) {
      const found = read(object[key], segments.slice(take));
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
