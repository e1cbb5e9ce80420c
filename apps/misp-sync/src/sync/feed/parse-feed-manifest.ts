/** One event of a MISP feed's `manifest.json`: what tells a poll whether its event file changed. */
export interface FeedManifestEntry {
  /** The event's `timestamp` (seconds); a new value means the event file changed. */
  readonly timestamp: number;
  readonly info: string;
}

/** Event uuid (lower case) → entry. */
export type FeedManifest = ReadonlyMap<string, FeedManifestEntry>;

/** A manifest entry that names no event file (its key is not a uuid): ignored. */
export interface IgnoredManifestEntry {
  readonly key: string;
  readonly reason: string;
}

export type ParseFeedManifestResult =
  | { readonly ok: true; readonly manifest: FeedManifest; readonly ignored: readonly IgnoredManifestEntry[] }
  | { readonly ok: false; readonly reason: string };

/** A timestamp no event file has: the entry is read on every poll (UNKNOWN_TIMESTAMP never equals a remembered one). */
export const UNKNOWN_TIMESTAMP = -1;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DIGITS = /^\d+$/;

/**
 * A MISP feed's `manifest.json`: `{"<event uuid>": {"timestamp": "1599541517", "info": "…",
 * "Orgc": {…}, "Tag": […], "date": "…", "threat_level_id": "…", "analysis": "…"}, …}`.
 *
 * Refused only when it is not a JSON object (then no event of the feed is known, and a refused
 * poll removes nothing). One bad entry never refuses the rest: a key that is not a uuid names no
 * event file and is ignored (reported in `ignored`); an entry without a usable timestamp is kept
 * with UNKNOWN_TIMESTAMP, so its event file is read on every poll rather than never.
 */
export function parseFeedManifest(json: unknown): ParseFeedManifestResult {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { ok: false, reason: 'manifest is not a JSON object' };
  const manifest = new Map<string, FeedManifestEntry>();
  const ignored: IgnoredManifestEntry[] = [];
  for (const [uuid, entry] of Object.entries(json)) {
    if (!UUID_PATTERN.test(uuid)) {
      ignored.push({ key: uuid.slice(0, 60), reason: 'the key is not an event uuid' });
      continue;
    }
    const fields: Record<string, unknown> = typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? (entry as Record<string, unknown>) : {};
    const raw = fields['timestamp'];
    const parsed = typeof raw === 'number' ? raw : typeof raw === 'string' && DIGITS.test(raw) ? Number(raw) : Number.NaN;
    const info = fields['info'];
    manifest.set(uuid.toLowerCase(), { timestamp: Number.isSafeInteger(parsed) && parsed >= 0 ? parsed : UNKNOWN_TIMESTAMP, info: typeof info === 'string' ? info : '' });
  }
  return { ok: true, manifest, ignored };
}
