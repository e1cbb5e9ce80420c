import { applyAssignmentChange, groupByTopic, toConfluentConsumedBatch } from './confluent-message';

describe('toConfluentConsumedBatch', () => {
  it('keeps offsets, keys, values (null = tombstone) and flattens headers, the last repeated value winning', () => {
    const batch = toConfluentConsumedBatch({
      topic: 't',
      partition: 2,
      highWatermark: '10',
      lastOffset: () => '8',
      messages: [
        { offset: '7', key: Buffer.from('k'), value: Buffer.from('v'), timestamp: '1700000000000', headers: { a: 'x', b: [Buffer.from('1'), 'last'], c: undefined } },
        { offset: '8', key: null, value: null, timestamp: '1700000000001' },
      ],
    });
    expect(batch).toMatchObject({ topic: 't', partition: 2, highWatermark: '10' });
    expect(batch.messages[0]?.headers).toEqual({ a: Buffer.from('x'), b: Buffer.from('last') });
    expect(batch.messages[1]).toEqual({ offset: '8', key: null, value: null, headers: {}, timestamp: '1700000000001' });
  });
});

describe('groupByTopic', () => {
  it('groups a flat librdkafka list by topic with partitions ascending', () => {
    expect(groupByTopic([{ topic: 'a', partition: 3 }, { topic: 'b', partition: 0 }, { topic: 'a', partition: 1 }])).toEqual([
      { topic: 'a', partitions: [1, 3] },
      { topic: 'b', partitions: [0] },
    ]);
  });
});

describe('applyAssignmentChange', () => {
  it('eager: revoke all then assign the new set', () => {
    const afterRevoke = applyAssignmentChange([{ topic: 'a', partitions: [0, 1, 2, 3] }], [{ topic: 'a', partitions: [0, 1, 2, 3] }], 'revoke');
    expect(afterRevoke).toEqual([]);
    expect(applyAssignmentChange(afterRevoke, [{ topic: 'a', partitions: [2, 0] }], 'assign')).toEqual([{ topic: 'a', partitions: [0, 2] }]);
  });

  it('cooperative: only the partitions named move', () => {
    const owned = [{ topic: 'a', partitions: [0, 1, 2] }];
    expect(applyAssignmentChange(owned, [{ topic: 'a', partitions: [1] }], 'revoke')).toEqual([{ topic: 'a', partitions: [0, 2] }]);
    expect(applyAssignmentChange(owned, [{ topic: 'b', partitions: [5] }], 'assign')).toEqual([
      { topic: 'a', partitions: [0, 1, 2] },
      { topic: 'b', partitions: [5] },
    ]);
  });
});
