import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** One attribute of a test feed event. */
export interface TestFeedAttribute {
  readonly uuid: string;
  /** A MISP attribute type (`domain`, `ip-dst`, `md5`…). */
  readonly type: string;
  readonly value: string;
  readonly toIds?: boolean;
}

/** One event of a test feed; its tags name the feed as in MISP (`Feed-…`). */
export interface TestFeedEvent {
  readonly uuid: string;
  readonly info: string;
  /** Seconds since the epoch; a new value tells misp-sync the event file changed. */
  readonly timestamp: number;
  readonly tags?: readonly string[];
  readonly attributes: readonly TestFeedAttribute[];
}

/**
 * Writes a MISP-format feed into `dir` — `manifest.json` (event uuid → timestamp, info) plus one
 * `<event uuid>.json` per event, in the compact form MISP's feed generator writes — for tests that
 * need a feed misp-sync reads directly, without fixture files.
 */
export async function writeMispFeed(dir: string, events: readonly TestFeedEvent[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  const manifest: Record<string, unknown> = {};
  for (const event of events) {
    const tags = (event.tags ?? []).map((name) => ({ name, colour: '#000000', exportable: true }));
    manifest[event.uuid] = { timestamp: String(event.timestamp), info: event.info, date: '2025-01-01', threat_level_id: '2', analysis: '2', Orgc: { name: 'iocflow tests', uuid: '00000000-0000-4000-8000-00000000000f' }, Tag: tags };
    const attributes = event.attributes.map((attribute) => ({
      uuid: attribute.uuid,
      type: attribute.type,
      category: 'Network activity',
      value: attribute.value,
      to_ids: attribute.toIds ?? true,
      timestamp: String(event.timestamp),
      comment: '',
      object_relation: null,
    }));
    const body = { Event: { uuid: event.uuid, info: event.info, timestamp: String(event.timestamp), date: '2025-01-01', threat_level_id: '2', analysis: '2', published: true, Tag: tags, Attribute: attributes } };
    await writeFile(path.join(dir, `${event.uuid}.json`), JSON.stringify(body));
  }
  await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
}
