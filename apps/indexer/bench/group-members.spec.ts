import type { KafkaConsumedBatch } from '@iocflow/io';
import { GroupMembers } from './group-members';
import type { IndexerConsumer } from '../src/pipeline/indexer-ports';

const batch = (partition: number): KafkaConsumedBatch => ({ topic: 't', partition, highWatermark: '1', messages: [] });

function member(partition: number, fail?: Error) {
  const calls: string[] = [];
  const consumer: IndexerConsumer & { calls: string[] } = {
    calls,
    run: async (handler) => {
      calls.push('run');
      if (fail) throw fail;
      await handler(batch(partition));
    },
    stop: async () => {
      calls.push('stop');
    },
  };
  return consumer;
}

describe('GroupMembers', () => {
  it('runs every member with the one handler, and stops them all', async () => {
    const members = [member(0), member(1)];
    const seen: number[] = [];
    const group = new GroupMembers(members);
    await group.run(async (b) => {
      seen.push(b.partition);
    });
    expect(seen.sort()).toEqual([0, 1]);
    await group.stop();
    expect(members.map((m) => m.calls)).toEqual([
      ['run', 'stop'],
      ['run', 'stop'],
    ]);
  });

  it('stops the members that started when one cannot start, and rejects with its error', async () => {
    const members = [member(0), member(1, new Error('no broker'))];
    await expect(new GroupMembers(members).run(async () => undefined)).rejects.toThrow('no broker');
    expect(members[0]?.calls).toEqual(['run', 'stop']);
  });

  it('needs at least one member', () => {
    expect(() => new GroupMembers([])).toThrow();
  });
});
