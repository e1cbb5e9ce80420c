import { randomUUID } from 'node:crypto';
import { UuidSlab } from './uuid-slab';

describe('UuidSlab', () => {
  it('gives back every canonical uuid exactly, past several growths of the slab', () => {
    const slab = new UuidSlab();
    const uuids = Array.from({ length: 5000 }, () => randomUUID());
    const slots = uuids.map((uuid) => slab.add(uuid));
    expect(slots.map((slot) => slab.get(slot))).toEqual(uuids);
    expect(slab.size).toBe(5000);
  });

  it('keeps leading zeros and the all-ones and all-zeros uuids', () => {
    const slab = new UuidSlab();
    for (const uuid of ['00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '0000000a-000b-000c-000d-00000000000e', '80000000-8000-8000-8000-800000000000']) {
      expect(slab.get(slab.add(uuid))).toBe(uuid);
    }
  });

  it('fits only the canonical lower-case 8-4-4-4-12 form (anything else stays a string with the caller)', () => {
    expect(UuidSlab.fits('5ecea68b-9bc0-493b-9c23-7555c0a80102')).toBe(true);
    for (const other of ['5ECEA68B-9BC0-493B-9C23-7555C0A80102', '5ecea68b9bc0493b9c237555c0a80102', '{5ecea68b-9bc0-493b-9c23-7555c0a80102}', '5ecea68b-9bc0-493b-9c23-7555c0a8010', 'old', '', '5ecea68b-9bc0-493b-9c23-7555c0a8010g']) {
      expect(UuidSlab.fits(other)).toBe(false);
    }
  });

  it('reuses a deleted slot for the next uuid, leaving the others intact', () => {
    const slab = new UuidSlab();
    const a = slab.add('11111111-1111-1111-1111-111111111111');
    const b = slab.add('22222222-2222-2222-2222-222222222222');
    slab.delete(a);
    expect(slab.size).toBe(1);
    const c = slab.add('33333333-3333-3333-3333-333333333333');
    expect(c).toBe(a);
    expect(slab.get(b)).toBe('22222222-2222-2222-2222-222222222222');
    expect(slab.get(c)).toBe('33333333-3333-3333-3333-333333333333');
  });
});
