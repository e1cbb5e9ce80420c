import type { Producer, ProducerBatch } from 'kafkajs';
import { IoError } from '../io-error';
import { KafkajsProducer as KafkaProducer } from './kafkajs-producer';

const { createErrorFromCode } = jest.requireActual<{ createErrorFromCode(code: number): Error }>('kafkajs/src/protocol/error');

/** A stand-in for one kafkajs producer: counts calls, and each sendBatch takes the next scripted outcome. */
class ScriptedProducer {
  connects = 0;
  disconnects = 0;
  readonly batches: ProducerBatch[] = [];
  constructor(private readonly outcomes: (Error | 'ok')[]) {}
  async connect(): Promise<void> {
    this.connects++;
  }
  async disconnect(): Promise<void> {
    this.disconnects++;
  }
  async sendBatch(batch: ProducerBatch): Promise<unknown[]> {
    this.batches.push(batch);
    const outcome = this.outcomes.shift() ?? 'ok';
    if (outcome !== 'ok') throw outcome;
    return [];
  }
}

const producers: ScriptedProducer[] = [];
let scripts: (Error | 'ok')[][] = [];

// The owner builds its kafkajs client through createKafkaClient: hand it one whose producers are scripted.
jest.mock('./kafka-config', () => ({
  createKafkaClient: () => ({
    producer: (): Producer => {
      const producer = new ScriptedProducer(scripts.shift() ?? []);
      producers.push(producer);
      return producer as unknown as Producer;
    },
  }),
}));

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const options = { brokers: ['127.0.0.1:1'], clientId: 'producer-spec', logger: quiet };
const record = { topic: 'enriched-logs', key: 'k', value: 'v' };

describe('KafkajsProducer', () => {
  beforeEach(() => {
    producers.length = 0;
    scripts = [];
  });

  it.each([45, 47, 59])('replaces the producer after producer-state error %i and reports the send as retriable', async (code) => {
    scripts = [['ok', createErrorFromCode(code)], ['ok']];
    const owner = new KafkaProducer(options);
    await owner.send([record]);
    const failure = await owner.send([record]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(IoError);
    expect(failure).toMatchObject({ code: 'KAFKA_UNAVAILABLE', retriable: true });
    expect(producers).toHaveLength(2);
    expect(producers[0]!.disconnects).toBe(1);
    expect(owner.producersReplaced).toBe(1);

    // The caller's retry goes through the new producer (connected first: a new producer id).
    await owner.send([record]);
    expect(producers[1]!.connects).toBe(1);
    expect(producers[1]!.batches).toHaveLength(1);
    expect(producers[0]!.batches).toHaveLength(2);
  });

  it('replaces a failed producer once when concurrent sends fail on it together', async () => {
    scripts = [[createErrorFromCode(45), createErrorFromCode(45), createErrorFromCode(45)]];
    const owner = new KafkaProducer(options);
    const results = await Promise.allSettled([owner.send([record]), owner.send([record]), owner.send([record])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(producers).toHaveLength(2);
    expect(owner.producersReplaced).toBe(1);
  });

  it('keeps the producer on other errors: a rejected record stays KAFKA_REJECTED', async () => {
    scripts = [[createErrorFromCode(10)]];
    const owner = new KafkaProducer(options);
    await expect(owner.send([record])).rejects.toMatchObject({ code: 'KAFKA_REJECTED', retriable: false });
    expect(producers).toHaveLength(1);
    expect(producers[0]!.disconnects).toBe(0);
  });

  it('does not replace the producer once closed', async () => {
    scripts = [[createErrorFromCode(45)]];
    const owner = new KafkaProducer(options);
    const sending = owner.send([record]).catch((error: unknown) => error);
    await owner.disconnect();
    expect(await sending).toMatchObject({ code: 'KAFKA_UNAVAILABLE' });
    expect(producers).toHaveLength(1);
    await expect(owner.send([record])).rejects.toMatchObject({ code: 'CLOSED' });
  });
});
