import { batchSightings } from './batch-sightings';
import type { DueSighting } from './fold-sightings';

const due = (value: string, windowStart: number, kind: DueSighting['kind'] = 'domain'): DueSighting => ({ id: `${kind}-${value}-${windowStart}`, kind, value, windowStart });

describe('batchSightings', () => {
  it('groups by window and cuts at batchSize distinct values', () => {
    const plans = batchSightings([due('a', 0), due('b', 0), due('c', 0), due('x', 60), due('d', 0)], 2);
    expect(plans.map((p) => [p.windowStart, p.values, p.sightings.length])).toEqual([
      [0, ['a', 'b'], 2],
      [0, ['c', 'd'], 2],
      [60, ['x'], 1],
    ]);
  });

  it('sends a value once even when two kinds share it, carrying both sightings', () => {
    const plans = batchSightings([due('v', 0, 'url'), due('v', 0, 'uri')], 10);
    expect(plans).toEqual([{ windowStart: 0, values: ['v'], sightings: [due('v', 0, 'url'), due('v', 0, 'uri')] }]);
  });

  it('gives nothing for nothing', () => {
    expect(batchSightings([], 5)).toEqual([]);
  });
});
