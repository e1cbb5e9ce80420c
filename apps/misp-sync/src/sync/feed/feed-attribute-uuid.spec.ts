import { feedAttributeUuid } from './feed-attribute-uuid';

describe('feedAttributeUuid', () => {
  it('is a version 5 uuid, stable for the same source and id', () => {
    const uuid = feedAttributeUuid('feed:Feed-X', '5ecea68b-1c40-4db7-ba14-7555c0a80102');
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(feedAttributeUuid('feed:Feed-X', '5ecea68b-1c40-4db7-ba14-7555c0a80102')).toBe(uuid);
  });

  it('differs per source and per id', () => {
    const a = feedAttributeUuid('feed:A', 'domain\nevil.example');
    expect(feedAttributeUuid('feed:B', 'domain\nevil.example')).not.toBe(a);
    expect(feedAttributeUuid('feed:A', 'domain\nevil2.example')).not.toBe(a);
  });
});
