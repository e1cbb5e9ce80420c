import type { KafkaConsumedBatch, KafkaProducedRecord, KafkaProducerPort } from '@iocflow/io';
import type { DueSighting } from './fold-sightings';

/**
 * Which sightings were sent (or skipped for good): misp-sync's memory across restarts, kept on a
 * compacted topic (MISP_SIGHTINGS_STATE_TOPIC) keyed by sighting id, value
 * `{"windowStart": <ms>, "outcome": "sent" | "skipped"}`.
 *
 * MISP cannot deduplicate /sightings/add (it takes no sighting uuid), so iocflow does: a sighting
 * is recorded here right after MISP acknowledged it and before the hits' offsets are committed;
 * at start the whole topic is read back, so a restart — or a replay of uncommitted hits — finds
 * the (indicator, window) already sighted and suppresses it. The one gap is a crash between
 * MISP's reply and this topic's acknowledgement (milliseconds): that sighting is sent again.
 *
 * Entries of windows that ended more than `retentionMs` ago are forgotten (the hits topic keeps
 * no older hits to replay); the topic's own retention (compact,delete) does the same on disk.
 */
export class SightingsState {
  private readonly windows = new Map<string, number>();

  constructor(
    private readonly topic: string,
    private readonly retentionMs: number,
  ) {}

  get size(): number {
    return this.windows.size;
  }

  has(id: string): boolean {
    return this.windows.has(id);
  }

  /** Applies one batch of the state topic as read back at start. */
  restore(batch: KafkaConsumedBatch): void {
    for (const message of batch.messages) {
      const id = message.key?.toString('utf8');
      if (id === undefined) continue;
      if (message.value === null || message.value.length === 0) {
        this.windows.delete(id);
        continue;
      }
      const windowStart = readWindowStart(message.value);
      if (windowStart !== undefined) this.windows.set(id, windowStart);
    }
  }

  /** Writes the sightings as done (acknowledged by the brokers), then remembers them. */
  async record(producer: Pick<KafkaProducerPort, 'send'>, sightings: readonly DueSighting[], outcome: 'sent' | 'skipped'): Promise<void> {
    const records: KafkaProducedRecord[] = sightings.map((sighting) => ({
      topic: this.topic,
      key: sighting.id,
      value: JSON.stringify({ windowStart: sighting.windowStart, outcome }),
    }));
    await producer.send(records);
    for (const sighting of sightings) this.windows.set(sighting.id, sighting.windowStart);
  }

  /** Forgets windows older than the retention (called now and then). */
  prune(nowMs: number): void {
    for (const [id, windowStart] of this.windows) if (windowStart < nowMs - this.retentionMs) this.windows.delete(id);
  }
}

function readWindowStart(value: Buffer): number | undefined {
  try {
    const parsed: unknown = JSON.parse(value.toString('utf8'));
    const windowStart = typeof parsed === 'object' && parsed !== null ? (parsed as { windowStart?: unknown }).windowStart : undefined;
    return typeof windowStart === 'number' && Number.isFinite(windowStart) ? windowStart : undefined;
  } catch {
    return undefined;
  }
}
