import { MispStandin } from './misp-standin';
import { parseRestSearchFilter, type RestSearchFilter } from './rest-search-filter';
import type { StoredAttribute } from './stored-types';

const NOW = 1_800_000_000;
const filterOf = (body: Record<string, unknown>): RestSearchFilter => {
  const parsed = parseRestSearchFilter({ returnFormat: 'json', ...body }, NOW);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.filter;
};

describe('AttributeSearch over the default fixtures', () => {
  let standin: MispStandin;
  const search = (body: Record<string, unknown>): readonly StoredAttribute[] => standin.model.search.search(filterOf(body)).attributes;

  beforeEach(() => {
    standin = new MispStandin({ warninglists: ['misp-warninglists/lists/rfc1918/list.json', 'misp-warninglists/lists/cisco_top1000/list.json'], now: () => NOW });
  });

  it('orders by (timestamp, id)', () => {
    const all = search({});
    for (let index = 1; index < all.length; index++) {
      const [previous, current] = [all[index - 1]!, all[index]!];
      expect(previous.timestamp < current.timestamp || (previous.timestamp === current.timestamp && previous.id < current.id)).toBe(true);
    }
  });

  it('pages cover the whole result exactly once, with or without the resume cache', () => {
    const all = search({}).map((attribute) => attribute.uuid);
    const paged: string[] = [];
    for (let page = 1; ; page++) {
      const items = search({ page, limit: 97 });
      paged.push(...items.map((attribute) => attribute.uuid));
      if (items.length < 97) break;
    }
    expect(paged).toEqual(all);
    // Jumping straight to a later page (no cached position) gives the same slice.
    const fresh = new MispStandin({ warninglists: false, now: () => NOW });
    expect(fresh.model.search.search(filterOf({ page: 4, limit: 97 })).attributes.map((attribute) => attribute.uuid)).toEqual(all.slice(291, 388));
  });

  it('timestamp is an inclusive lower bound on the attribute timestamp', () => {
    const all = search({});
    const cursor = all[100]!.timestamp;
    const after = search({ timestamp: cursor });
    expect(after.every((attribute) => attribute.timestamp >= cursor)).toBe(true);
    expect(after).toHaveLength(all.filter((attribute) => attribute.timestamp >= cursor).length);
  });

  it('filters by type list and to_ids', () => {
    const network = search({ type: ['domain', 'ip-dst'] });
    expect(new Set(network.map((attribute) => attribute.type))).toEqual(new Set(['domain', 'ip-dst']));
    expect(search({ type: 'md5', to_ids: 0 }).every((attribute) => attribute.type === 'md5' && !attribute.toIds)).toBe(true);
  });

  it('filters by event id and by event or attribute uuid', () => {
    expect(search({ eventid: '9747' }).every((attribute) => attribute.eventId === 9747)).toBe(true);
    const byEventUuid = search({ uuid: '5a3c2fcd-8328-42bb-a95e-4f4402de0b81' });
    expect(byEventUuid.length).toBeGreaterThan(30);
    expect(search({ uuid: byEventUuid[0]!.uuid })).toHaveLength(1);
  });

  it('an edit bumps the timestamp to now and moves the attribute behind the cursor', () => {
    const [target] = search({ type: 'domain', limit: 1 });
    standin.editAttribute(target!.uuid, { toIds: false, tags: ['Feed-Edited'] });
    const changed = search({ timestamp: NOW });
    expect(changed.map((attribute) => attribute.uuid)).toEqual([target!.uuid]);
    expect(changed[0]).toMatchObject({ toIds: false, timestamp: NOW, tags: [expect.objectContaining({ name: 'Feed-Edited' })] });
  });

  it('soft deletes are hidden by default and visible with deleted [0,1] or 1; sanitise keeps only the uuid', () => {
    const [target] = search({ type: 'ip-dst', limit: 1 });
    standin.softDeleteAttribute(target!.id, { sanitise: true });
    expect(search({ uuid: target!.uuid })).toEqual([]);
    const [deleted] = search({ uuid: target!.uuid, deleted: [0, 1] });
    expect(deleted).toMatchObject({ deleted: true, value: 'deleted', type: 'comment', category: 'Other', toIds: false, timestamp: NOW });
    expect(search({ deleted: 1 }).every((attribute) => attribute.deleted)).toBe(true);
  });

  it('a hard delete leaves no trace for an incremental search', () => {
    const before = search({ deleted: [0, 1] }).length;
    const [target] = search({ type: 'md5', limit: 1 });
    standin.hardDeleteAttribute(target!.uuid);
    expect(search({ deleted: [0, 1] })).toHaveLength(before - 1);
    expect(search({ timestamp: NOW, deleted: [0, 1] })).toEqual([]);
  });

  it('an event tag change bumps the event, not its attributes; event_timestamp finds them', () => {
    expect(search({ event_timestamp: NOW })).toEqual([]);
    // Page 1 caches where page 2 would start (the end); the tag change must invalidate that.
    expect(search({ event_timestamp: NOW, limit: 10, page: 1 })).toEqual([]);
    standin.setEventTags(9747, ['Feed-RansomwareTracker']);
    expect(search({ event_timestamp: NOW, limit: 10, page: 2 })).toHaveLength(10);
    expect(search({ timestamp: NOW })).toEqual([]);
    const viaEvent = search({ event_timestamp: NOW });
    expect(viaEvent.length).toBeGreaterThan(30);
    expect(viaEvent.every((attribute) => attribute.eventId === 9747)).toBe(true);
    expect(standin.model.event(9747)).toMatchObject({ timestamp: NOW, tags: [expect.objectContaining({ name: 'Feed-RansomwareTracker' })] });
  });

  it('enforceWarninglist drops hits after paging, as MISP does, so a page can be short', () => {
    standin.addAttribute(9747, { type: 'ip-dst', value: '10.1.2.3' });
    standin.addAttribute(9747, { type: 'domain', value: 'login.microsoftonline.com' });
    standin.addAttribute(9747, { type: 'domain', value: 'evil.example' });
    const page = standin.model.search.search(filterOf({ timestamp: NOW, enforceWarninglist: 1, limit: 3, page: 1 }));
    expect(page.attributes.map((attribute) => attribute.value)).toEqual(['evil.example']);
    expect(page.warninglisted).toBe(2);
  });
});
