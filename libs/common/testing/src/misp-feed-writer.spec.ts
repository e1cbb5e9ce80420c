import { mkdtemp, readFile, rm } from 'node:fs/promises';
import * as os from 'node:os';
import path from 'node:path';
import { writeMispFeed } from './misp-feed-writer';

describe('writeMispFeed', () => {
  it("writes a manifest and one event file per event in MISP's feed form", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'feed-writer-'));
    try {
      const uuid = '6a0e2e00-0000-4000-8000-000000000001';
      await writeMispFeed(path.join(dir, 'feed'), [{ uuid, info: 'one', timestamp: 1_700_000_000, tags: ['Feed-X'], attributes: [{ uuid: '6a0e2e00-0000-4000-8000-0000000000a1', type: 'domain', value: 'x.example', toIds: false }] }]);
      const manifest = JSON.parse(await readFile(path.join(dir, 'feed', 'manifest.json'), 'utf8')) as Record<string, { timestamp: string; info: string; Tag: { name: string }[] }>;
      expect(manifest[uuid]).toMatchObject({ timestamp: '1700000000', info: 'one', Tag: [{ name: 'Feed-X' }] });
      const event = JSON.parse(await readFile(path.join(dir, 'feed', `${uuid}.json`), 'utf8')) as { Event: { uuid: string; Attribute: Record<string, unknown>[] } };
      expect(event.Event.uuid).toBe(uuid);
      expect(event.Event.Attribute).toEqual([expect.objectContaining({ type: 'domain', value: 'x.example', to_ids: false, timestamp: '1700000000' })]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
