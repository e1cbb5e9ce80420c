import { generateEvents } from './load-generator';
import { isClean, reconcile } from './reconcile';

describe('reconcile', () => {
  const indicators = [{ domain: 'evil.test', feed: 'Feed-X' }];
  const planned = generateEvents('r', 8, indicators);

  it('is clean when every id is indexed once with the expected misp_src', () => {
    const indexed = planned.map((e) => ({ id: e.id, mispSrc: e.expected.kind === 'indexed' ? e.expected.mispSrc : '', count: 1 }));
    const result = reconcile(planned, indexed, []);
    expect(result).toMatchObject({ eventsIn: 8, indexed: 8, lost: 0, duplicated: 0, falseNone: 0 });
    expect(isClean(result)).toBe(true);
  });

  it('counts lost, duplicated, false none, dead letters and unknown ids', () => {
    const [hit, miss1, miss2, miss3, hit2] = planned;
    const indexed = [
      { id: hit!.id, mispSrc: 'none', count: 1 },
      { id: miss1!.id, mispSrc: 'none', count: 2 },
      { id: miss2!.id, mispSrc: 'none', count: 1 },
      { id: hit2!.id, mispSrc: 'unknown', count: 1 },
      { id: 'stranger', mispSrc: 'none', count: 1 },
    ];
    const dead = [
      { id: miss3!.id, topic: 'raw-dlq', reason: 'not_json' },
      { id: miss2!.id, topic: 'raw-dlq', reason: undefined },
    ];
    const result = reconcile(planned.slice(0, 5), indexed, dead);
    expect(result).toMatchObject({ indexed: 4, deadLettered: 2, lost: 0, duplicated: 2, falseNone: 1, wrongSrc: 1, misplaced: 1, deadLettersWithoutReason: 1, unknownIds: 1, reasons: { not_json: 1 } });
    expect(result.samples['false none']).toEqual([hit!.id]);
    expect(reconcile(planned, [], []).lost).toBe(8);
  });

  it('plans a hit every fourth event, alternating the field, and unique ids', () => {
    expect(new Set(planned.map((e) => e.id)).size).toBe(8);
    expect(planned.filter((e) => e.expected.kind === 'indexed' && e.expected.mispSrc === 'Feed-X')).toHaveLength(2);
    expect(String(planned[4]!.value)).toContain('www.evil.test');
  });
  it('allows one document per raw-logs copy when the load producer wrote an event twice', () => {
    const events = planned.filter((e) => e.expected.kind === 'indexed').slice(0, 2);
    const buckets = events.map((e, i) => ({ id: e.id, mispSrc: e.expected.kind === 'indexed' ? e.expected.mispSrc : '', count: i === 0 ? 2 : 1 }));
    expect(reconcile(events, buckets, [], new Map([[events[0]!.id, 2], [events[1]!.id, 1]]))).toMatchObject({ duplicated: 0, lost: 0 });
    expect(reconcile(events, buckets, [])).toMatchObject({ duplicated: 1 });
  });
});
