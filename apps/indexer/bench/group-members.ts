import type { KafkaConsumedBatch } from '@iocflow/io';
import type { IndexerConsumer } from '../src/pipeline/indexer-ports';

/**
 * Several members of the one consumer group, run by one process and seen by the pipeline as one
 * consumer. Bench-only: indexer.bench.ts runs `BENCH_MEMBERS` of them to test the idea below; the
 * service itself runs one member per process (there is no setting for more, and the bench was not
 * conclusive — docs/benchmarks.md, "Indexer").
 *
 * Why: a kafkajs member fetches, hands the batches to the handlers, and fetches again only when
 * every handler resolved — and ours resolve only once Elasticsearch acknowledged (the commit
 * discipline). With one member, Elasticsearch therefore idles while the next fetch is received,
 * decoded and prepared, and the indexer idles while Elasticsearch indexes: the two costs add up.
 * With two members, one member's batches are decoded and prepared while the other's are being
 * indexed, and the shared batcher keeps Elasticsearch busy. Each member commits only its own
 * batches, so the guarantees are those of one member; the group simply has more members.
 */
export class GroupMembers implements IndexerConsumer {
  constructor(private readonly members: readonly IndexerConsumer[]) {
    if (members.length === 0) throw new Error('GroupMembers: no members');
  }

  /** Starts every member; if one fails to start, stops the others and rejects with its error. */
  async run(handler: (batch: KafkaConsumedBatch) => Promise<void>): Promise<void> {
    const started = await Promise.allSettled(this.members.map((member) => member.run(handler)));
    const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed !== undefined) {
      await this.stop().catch(() => undefined);
      throw failed.reason;
    }
  }

  /** Stops every member (each drains and commits its in-flight batches), all at once. */
  async stop(): Promise<void> {
    const stopped = await Promise.allSettled(this.members.map((member) => member.stop()));
    const failed = stopped.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }
}
