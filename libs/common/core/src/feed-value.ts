/** Used when an attribute carries no tag naming its feed and the caller gives no fallback. */
export const DEFAULT_FEED_FALLBACK = 'misp';

/**
 * The memcached value (and `misp_src`) for a set of feeds: sorted, unique, comma-joined
 * (`Feed-A,Feed-B`). A plain string, never a list repr (the seed's `['Feed-X']` was one).
 * Names are cleaned with `sanitiseFeedName`; names that clean to nothing are dropped.
 */
export function formatFeeds(feeds: Iterable<string>): string {
  return uniqueSorted(feeds).join(',');
}

/**
 * The feeds in a stored value: the inverse of `formatFeeds`. Also reads the seed's Python list
 * repr (`['Feed-A', 'Feed-B']`) so that keys written by the seed script are understood.
 */
export function parseFeeds(value: string): string[] {
  let text = value.trim();
  if (text.startsWith('[') && text.endsWith(']')) {
    text = text
      .slice(1, -1)
      .split(',')
      .map((item) => stripQuotes(item.trim()))
      .join(',');
  }
  return uniqueSorted(text.split(','));
}

/**
 * The feeds an attribute belongs to: the names of its tags matching `pattern` (a glob where `*`
 * matches any run of characters, case-sensitive), sorted and unique; `[fallback]` when none match.
 * The tag name is the feed name (`Feed-RansomwareTracker`), as in the seed pipeline.
 */
export function feedsFromTags(tags: Iterable<string>, pattern = 'Feed-*', fallback = DEFAULT_FEED_FALLBACK): string[] {
  const matches = compileGlob(pattern);
  const matched: string[] = [];
  for (const tag of tags) if (matches(tag)) matched.push(tag);
  const feeds = uniqueSorted(matched);
  if (feeds.length > 0) return feeds;
  return [sanitiseFeedName(fallback) || DEFAULT_FEED_FALLBACK];
}

/**
 * A feed name safe inside the comma-joined value: commas and control characters removed
 * (including DEL and C1 controls), surrounding white space trimmed.
 */
export function sanitiseFeedName(name: string): string {
  let clean = '';
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code === 0x2c || code < 0x20 || (code >= 0x7f && code <= 0x9f)) continue;
    clean += name.charAt(i);
  }
  return clean.trim();
}

/** A glob matcher with `*` as the only wildcard; linear in the tag length (no regex backtracking). */
export function compileGlob(pattern: string): (text: string) => boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return (text) => text === pattern;
  const first = parts[0] ?? '';
  const last = parts[parts.length - 1] ?? '';
  const middle = parts.slice(1, -1);
  const minLength = parts.reduce((sum, part) => sum + part.length, 0);
  return (text) => {
    if (text.length < minLength || !text.startsWith(first) || !text.endsWith(last)) return false;
    // Leftmost placement of each middle part is optimal when `*` is the only wildcard.
    let position = first.length;
    const limit = text.length - last.length;
    for (const part of middle) {
      const found = text.indexOf(part, position);
      if (found === -1 || found + part.length > limit) return false;
      position = found + part.length;
    }
    return true;
  };
}

function uniqueSorted(names: Iterable<string>): string[] {
  const unique = new Set<string>();
  for (const name of names) {
    const clean = sanitiseFeedName(name);
    if (clean.length > 0) unique.add(clean);
  }
  // Code-unit order, not locale order: the value must be identical on every host.
  return [...unique].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function stripQuotes(item: string): string {
  const quote = item.charAt(0);
  if ((quote === "'" || quote === '"') && item.length >= 2 && item.endsWith(quote)) return item.slice(1, -1);
  return item;
}
