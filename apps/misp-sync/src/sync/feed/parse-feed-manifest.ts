/** One event of a MISP feed's `manifest.json`: what tells a poll whether its event file changed. */
export interface FeedManifestEntry {
  /** The event's `timestamp` (seconds); a new value means the event file changed. */
  readonly timestamp: number;
  readonly info: string;
}

/** Event uuid (lower case) → entry. */
export type FeedManifest = ReadonlyMap<string, FeedManifestEntry>;

export type ParseFeedManifestResult = { readonly ok: true; readonly manifest: FeedManifest } | { readonly ok: false; readonly reason: string };

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A MISP feed's `manifest.json`: `{"<event uuid>": {"timestamp": "1599541517", "info": "…",
 * "Orgc": {…}, "Tag": […], "date": "…", "threat_level_id": "…", "analysis": "…"}, …}`.
 * The whole manifest is refused when one entry is unusable: a manifest that lies about its events
 * would make removals wrong, and a refused poll removes nothing.
 */
export function parseFeedManifest(json: unknown): ParseFeedManifestResult {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { ok: false, reason: 'manifest is not a JSON object' };
  const manifest = new Map<string, FeedManifestEntry>();
  for (const [uuid, entry] of Object.entries(json)) {
    if (!UUID_PATTERN.test(uuid)) return { ok: false, reason: `manifest key ${JSON.stringify(uuid.slice(0, 60))} is not an event uuid` };
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return { ok: false, reason: `manifest entry ${uuid} is not an object` };
    const fields = entry as Record<string, unknown>;
    const raw = fields['timestamp'];
    const timestamp = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(timestamp) || timestamp < 0) return { ok: false, reason: `manifest entry ${uuid} has no numeric timestamp` };
    const info = fields['info'];
    manifest.set(uuid.toLowerCase(), { timestamp, info: typeof info === 'string' ? info : '' });
  }
  return { ok: true, manifest };
}
