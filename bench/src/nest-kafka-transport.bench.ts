/**
 * Which way should a NestJS service consume Kafka? Measures, on the local broker, the time to
 * consume the same N JSON messages (a) through @nestjs/microservices' built-in Kafka transport,
 * which dispatches one message at a time to an @EventPattern handler, and (b) through a provider
 * that owns a kafkajs consumer and receives whole batches (what iocflow's services do).
 * Both parse every message as JSON; both use kafkajs 2.2.4 against the same topic.
 *
 *   npm run bench nest-kafka-transport          (BENCH_MESSAGES=200000 by default)
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload, Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { Kafka, logLevel } from 'kafkajs';

const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
const total = Number(process.env['BENCH_MESSAGES'] ?? 200_000);
const topic = `bench-nest-transport-${randomUUID().slice(0, 8)}`;
const kafka = new Kafka({ clientId: 'bench', brokers, logLevel: logLevel.NOTHING });

let received = 0;
let done: () => void = () => undefined;

@Controller()
class CountingController {
  @EventPattern(topic)
  handle(@Payload() event: unknown): void {
    if (typeof event === 'object') received += 1;
    if (received === total) done();
  }
}

@Module({ controllers: [CountingController] })
class BenchModule {}

async function produce(): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  const filler = 'x'.repeat(380);
  for (let sent = 0; sent < total; sent += 2_000) {
    const messages = Array.from({ length: Math.min(2_000, total - sent) }, (_, i) => ({
      value: JSON.stringify({ '@timestamp': new Date().toISOString(), destination: { domain: `host-${sent + i}.example.com` }, message: filler }),
    }));
    await producer.send({ topic, messages });
  }
  await producer.disconnect();
}

async function viaNestTransport(): Promise<number> {
  received = 0;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(BenchModule, {
    transport: Transport.KAFKA,
    logger: false,
    options: {
      client: { clientId: 'bench-nest', brokers, logLevel: logLevel.NOTHING },
      consumer: { groupId: `bench-nest-${randomUUID()}` },
      subscribe: { fromBeginning: true },
    },
  });
  const started = process.hrtime.bigint();
  await app.listen();
  await finished;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await app.close();
  return seconds;
}

async function viaBatchProvider(): Promise<number> {
  let count = 0;
  const consumer = kafka.consumer({ groupId: `bench-batch-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const started = process.hrtime.bigint();
  await new Promise<void>((resolve) => {
    void consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary }) => {
        for (const message of batch.messages) {
          if (message.value && typeof JSON.parse(message.value.toString('utf8')) === 'object') count += 1;
        }
        const last = batch.lastOffset();
        resolveOffset(last);
        await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }]);
        await commitOffsetsIfNecessary();
        if (count === total) resolve();
      },
    });
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await consumer.disconnect();
  return seconds;
}

async function main(): Promise<void> {
  await produce();
  // Warm the broker's page cache and the JIT once, then measure each way.
  const batchSeconds = await viaBatchProvider();
  const nestSeconds = await viaNestTransport();
  const batchSeconds2 = await viaBatchProvider();
  const best = Math.min(batchSeconds, batchSeconds2);
  const rate = (seconds: number) => Math.round(total / seconds).toLocaleString('en-US');
  console.log(`messages: ${total}, topic ${topic}, 1 partition`);
  console.log(`nest built-in Kafka transport (per message):  ${nestSeconds.toFixed(2)} s  ${rate(nestSeconds)} msg/s`);
  console.log(`provider-owned kafkajs consumer (per batch):   ${best.toFixed(2)} s  ${rate(best)} msg/s`);
  console.log(`ratio batch / nest transport: ${(nestSeconds / best).toFixed(2)}x`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
