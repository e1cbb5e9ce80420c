import { AckTracker, type AckTicket } from './ack-tracker';

/**
 * A step is `accept <p>:<first>-<last>`, `ack <i>`, `fail <i>` or `reset`, where <i> is the index
 * of the accepted batch (in acceptance order); `out` is what the step returned, as
 * `commit <p>@<offset>`, `seek <p>@<offset>` or '-' for nothing.
 */
type Step = readonly [step: string, out?: string];

function play(steps: readonly Step[]): { outputs: string[]; tracker: AckTracker } {
  const tracker = new AckTracker();
  const tickets: AckTicket[] = [];
  const outputs: string[] = [];
  for (const [step] of steps) {
    const [verb, arg] = step.split(' ') as [string, string | undefined];
    if (verb === 'accept') {
      const [, partition, first, last] = /^(\d+):(\d+)-(\d+)$/.exec(arg ?? '') as unknown as [string, string, string, string];
      tickets.push(tracker.accept('t', Number(partition), first, String(Number(last) + 1), 10));
      outputs.push('-');
    } else if (verb === 'ack') {
      const result = tracker.acknowledge(tickets[Number(arg)] as AckTicket);
      outputs.push(result ? `commit ${result.partition}@${result.offset}` : '-');
    } else if (verb === 'fail') {
      const result = tracker.fail(tickets[Number(arg)] as AckTicket);
      outputs.push(result ? `seek ${result.partition}@${result.offset}` : '-');
    } else {
      tracker.reset();
      outputs.push('-');
    }
  }
  return { outputs, tracker };
}

describe('AckTracker', () => {
  const cases: readonly (readonly [name: string, steps: readonly Step[]])[] = [
    ['in-order acknowledgements commit each batch', [['accept 0:0-9'], ['accept 0:10-19'], ['ack 0', 'commit 0@10'], ['ack 1', 'commit 0@20']]],
    [
      'a later batch acknowledged first waits for the earlier one; then both commit at once',
      [['accept 0:0-9'], ['accept 0:10-19'], ['accept 0:20-29'], ['ack 2', '-'], ['ack 1', '-'], ['ack 0', 'commit 0@30']],
    ],
    [
      'partitions are independent',
      [['accept 0:0-9'], ['accept 1:0-4'], ['accept 0:10-19'], ['ack 1', 'commit 1@5'], ['ack 2', '-'], ['ack 0', 'commit 0@20']],
    ],
    ['gaps between batches (compaction) are fine: order of acceptance counts', [['accept 0:0-9'], ['accept 0:50-59'], ['ack 1', '-'], ['ack 0', 'commit 0@60']]],
    ['a second acknowledgement of the same batch is ignored', [['accept 0:0-9'], ['ack 0', 'commit 0@10'], ['ack 0', '-']]],
    [
      'a failure seeks back to the first unacknowledged batch and drops the partition: nothing after it commits',
      [['accept 0:0-9'], ['accept 0:10-19'], ['accept 0:20-29'], ['ack 2', '-'], ['fail 1', 'seek 0@0'], ['ack 0', '-'], ['ack 1', '-']],
    ],
    [
      'a failure after an acknowledged prefix seeks to the end of that prefix',
      [['accept 0:0-9'], ['accept 0:10-19'], ['ack 0', 'commit 0@10'], ['fail 1', 'seek 0@10']],
    ],
    [
      'after a failure the redelivered batches commit normally',
      [['accept 0:0-9'], ['accept 0:10-19'], ['fail 1', 'seek 0@0'], ['accept 0:0-9'], ['accept 0:10-19'], ['ack 3', '-'], ['ack 2', 'commit 0@20']],
    ],
    ['a failure of another partition does not touch this one', [['accept 0:0-9'], ['accept 1:0-9'], ['fail 1', 'seek 1@0'], ['ack 0', 'commit 0@10']]],
    ['a failure of an untracked (already dropped) batch is ignored', [['accept 0:0-9'], ['accept 0:10-19'], ['fail 0', 'seek 0@0'], ['fail 1', '-']]],
    [
      'reset (rebalance) drops everything: late acknowledgements of the old generation commit nothing',
      [['accept 0:0-9'], ['accept 1:0-9'], ['reset'], ['ack 0', '-'], ['ack 1', '-'], ['accept 0:0-9'], ['ack 2', 'commit 0@10']],
    ],
    [
      'a rewound fetch drops the batches from its offset on but keeps the earlier pending ones',
      [['accept 0:0-9'], ['accept 0:10-19'], ['accept 0:20-29'], ['accept 0:10-14'], ['ack 1', '-'], ['ack 3', '-'], ['ack 0', 'commit 0@15']],
    ],
    [
      'the commit position never moves backwards within a generation',
      [['accept 0:0-9'], ['accept 0:10-19'], ['ack 0', 'commit 0@10'], ['ack 1', 'commit 0@20'], ['accept 0:5-9'], ['ack 4', '-']],
    ],
  ];

  it.each(cases)('%s', (_name, steps) => {
    const { outputs } = play(steps);
    expect(outputs).toEqual(steps.map(([, out]) => out ?? '-'));
  });

  it('counts in-flight batches and bytes until they are acknowledged, failed or dropped', () => {
    const { tracker } = play([['accept 0:0-9'], ['accept 0:10-19'], ['accept 1:0-9'], ['ack 1']]);
    expect([tracker.inFlightBatches, tracker.inFlightBytes]).toEqual([2, 20]);
    const failed = play([['accept 0:0-9'], ['accept 0:10-19'], ['accept 1:0-9'], ['ack 1'], ['fail 0']]).tracker;
    expect([failed.inFlightBatches, failed.inFlightBytes]).toEqual([1, 10]);
    const reset = play([['accept 0:0-9'], ['accept 1:0-9'], ['reset']]).tracker;
    expect([reset.inFlightBatches, reset.inFlightBytes]).toEqual([0, 0]);
  });

  it('keeps offsets beyond 2^53 exact', () => {
    const tracker = new AckTracker();
    const ticket = tracker.accept('t', 0, '9007199254740993', '9007199254740995', 1);
    expect(tracker.acknowledge(ticket)).toEqual({ topic: 't', partition: 0, offset: '9007199254740995' });
  });
});
