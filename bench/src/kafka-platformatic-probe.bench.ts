/**
 * What the services rely on, checked on @platformatic/kafka against the local broker (issue 14,
 * deliverable 3): a prototype, not a driver. Each check prints what the client did; the findings
 * and the API names are written up in docs/benchmarks.md ("Kafka client decision").
 *
 *   npm run bench kafka-platformatic-probe
 *
 * 1. admin: create a compacted topic with configs, describe its configs, list offsets, group offsets
 * 2. headers (binary, repeated names), null keys, null values (tombstones) through produce → consume
 * 3. a record over the topic's max.message.bytes: the error, and what happens to the rest of the send
 * 4. a compacted topic read from the beginning to its end-at-start, then followed
 * 5. graceful close: the member leaves the group at once
 * 6. broker unreachable (a TCP forwarder cut for a while, as the fault suite does): does the client
 *    recover by itself, or must the owner act
 * 7. TLS: the server certificate is verified by default; a CA file makes it pass
 * 8. per-partition order with 5 sends in flight while the connection breaks (idempotent retries)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:tls';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  Admin,
  ConfigResourceTypes,
  Consumer,
  ListOffsetTimestamps,
  type Message,
  MessagesStreamFallbackModes,
  MessagesStreamModes,
  ProduceAcks,
  Producer,
} from '@platformatic/kafka';
import { pollUntil, TcpForwarder, uniqueName } from '@iocflow/testing';
import { describeError } from './kafka-passthrough/worker';

const BROKERS = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
const created: string[] = [];
const base = { clientId: 'bench-probe', bootstrapBrokers: BROKERS };

type Msg = Message<Buffer, Buffer, Buffer, Buffer>;

function show(label: string, value: unknown): void {
  console.log(`    ${label}: ${typeof value === 'string' ? value : JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`);
}

async function section(title: string, body: () => Promise<void>): Promise<void> {
  console.log(`\n== ${title}`);
  const started = Date.now();
  try {
    await body();
    console.log(`   (${Date.now() - started} ms)`);
  } catch (error) {
    console.log(`   FAILED: ${describeError(error)}`);
  }
}

/** Reads `count` messages of `topic` from the beginning with a throw-away group. */
async function readMessages(topic: string, count: number, options: { timeoutMs?: number } = {}): Promise<Msg[]> {
  const consumer = new Consumer({ ...base, groupId: uniqueName('bench-probe-read'), autocommit: false, maxWaitTime: 200 });
  const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST, autocommit: false });
  const messages: Msg[] = [];
  stream.on('data', (m: Msg) => messages.push(m));
  try {
    await pollUntil(() => messages.length >= count, { timeoutMs: options.timeoutMs ?? 20_000, intervalMs: 20, description: `${count} messages of ${topic}` });
  } finally {
    await stream.close();
    await consumer.close(true);
  }
  return messages;
}

async function main(): Promise<void> {
  const admin = new Admin(base);
  const producer = new Producer({ ...base, idempotent: true, acks: ProduceAcks.ALL });
  try {
    await section('1. admin: create a compacted topic with configs, describe, list offsets, group offsets and lag', async () => {
      const topic = uniqueName('bench-probe-admin');
      created.push(topic);
      const result = await admin.createTopics({
        topics: [topic],
        partitions: 3,
        replicas: 1,
        configs: [
          { name: 'cleanup.policy', value: 'compact' },
          { name: 'max.message.bytes', value: '65536' },
        ],
      });
      show('createTopics', result);
      const again = await admin.createTopics({ topics: [topic], partitions: 3, replicas: 1 }).then(
        () => 'accepted',
        (error: unknown) => describeError(error),
      );
      show('createTopics of an existing topic', again);
      const [config] = await admin.describeConfigs({ resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: topic, configurationKeys: ['cleanup.policy', 'max.message.bytes', 'retention.ms'] }] });
      show('describeConfigs', Object.fromEntries((config?.configs ?? []).map((c) => [c.name, c.value])));
      await producer.send({ messages: [0, 1, 2, 0].map((partition, i) => ({ topic, partition, key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`) })) });
      const offsets = async (timestamp: bigint) =>
        (await admin.listOffsets({ topics: [{ name: topic, partitions: [0, 1, 2].map((partitionIndex) => ({ partitionIndex, timestamp })) }] }))[0]?.partitions.map((p) => `${p.partitionIndex}:${p.offset}`);
      show('listOffsets earliest', await offsets(ListOffsetTimestamps.EARLIEST));
      show('listOffsets latest', await offsets(ListOffsetTimestamps.LATEST));
      const groupId = uniqueName('bench-probe-group');
      const consumer = new Consumer({ ...base, groupId, autocommit: false });
      await consumer.commit({ offsets: [{ topic, partition: 0, offset: 1n, leaderEpoch: -1 }] }).catch((error: unknown) => show('commit without joining', describeError(error)));
      const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST, autocommit: false });
      const got: Msg[] = [];
      stream.on('data', (m: Msg) => got.push(m));
      await pollUntil(() => got.length >= 4, { intervalMs: 20, description: '4 messages' });
      await consumer.commit({ offsets: [{ topic, partition: 0, offset: 1n, leaderEpoch: got[0]?.leaderEpoch ?? -1 }] });
      const groups = await admin.listConsumerGroupOffsets({ groups: [groupId] });
      show('listConsumerGroupOffsets', groups[0]?.topics.map((t) => ({ topic: t.name === topic, partitions: t.partitions.map((p) => `${p.partitionIndex}:${p.committedOffset}`) })));
      show('consumer.getLag (latest − committed, -1 = not assigned)', Object.fromEntries([...(await consumer.getLag({ topics: [topic] }))].map(([t, lags]) => [t === topic ? 'topic' : t, lags.map(String)])));
      await stream.close();
      await consumer.close(true);
    });

    await section('2. headers (binary, a repeated name), null key, null value (tombstone), empty value', async () => {
      const topic = uniqueName('bench-probe-headers');
      created.push(topic);
      await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
      const binary = Buffer.from([0, 255, 10, 13, 1]);
      await producer.send({
        messages: [
          { topic, partition: 0, key: Buffer.from('with-headers'), value: Buffer.from('{}'), headers: new Map([[Buffer.from('iocflow.origin'), binary]]) },
          { topic, partition: 0, value: Buffer.from('no key') },
          { topic, partition: 0, key: Buffer.from('tombstone') },
          { topic, partition: 0, key: Buffer.from('empty'), value: Buffer.alloc(0) },
        ],
      });
      // A repeated header name cannot be produced from a Map: kcat writes one.
      execFileSync('kcat', ['-P', '-b', BROKERS.join(','), '-t', topic, '-p', '0', '-k', 'repeated', '-H', 'name=first', '-H', 'name=second'], { input: 'x\n' });
      const messages = await readMessages(topic, 5);
      for (const m of messages) {
        show(`offset ${m.offset}`, {
          key: m.key === null ? null : m.key === undefined ? 'undefined' : m.key.toString(),
          value: m.value === null ? null : m.value === undefined ? 'undefined' : `${m.value.length} bytes`,
          headers: [...m.headers].map(([k, v]) => `${k.toString()}=${v.toString('hex')}`),
          headerEntries: m.headerEntries.length,
        });
      }
      show('binary header intact', Buffer.compare(messages[0]?.headers.values().next().value ?? Buffer.alloc(0), binary) === 0);
      show('repeated header name', messages[4]?.headerEntries.map(([k, v]) => `${k.toString()}=${v.toString()}`));
      // What is on the wire (kcat: %S is the value length, -1 for a null value; %K the key length).
      const wire = execFileSync('kcat', ['-C', '-b', BROKERS.join(','), '-t', topic, '-o', 'beginning', '-e', '-q', '-f', 'offset %o key %K value %S\n'], { encoding: 'utf8' });
      show('on the wire', wire.trim().split('\n'));
    });

    await section('3. a record over max.message.bytes (65536) beside small ones in one send()', async () => {
      const topic = uniqueName('bench-probe-large');
      created.push(topic);
      await admin.createTopics({ topics: [topic], partitions: 2, replicas: 1, configs: [{ name: 'max.message.bytes', value: '65536' }] });
      const big = Buffer.alloc(100_000, 0x61);
      const result = await producer
        .send({
          messages: [
            { topic, partition: 0, key: Buffer.from('small-0'), value: Buffer.from('x') },
            { topic, partition: 0, key: Buffer.from('big'), value: big },
            { topic, partition: 1, key: Buffer.from('small-1'), value: Buffer.from('y') },
          ],
        })
        .then(
          (r) => `accepted ${JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`,
          (error: unknown) => {
            const e = error as Error & { produced?: unknown };
            return `${describeError(error)}; error.produced=${JSON.stringify(e.produced, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`;
          },
        );
      show('send([small p0, big p0, small p1])', result);
      const latest = await admin.listOffsets({ topics: [{ name: topic, partitions: [0, 1].map((partitionIndex) => ({ partitionIndex, timestamp: ListOffsetTimestamps.LATEST })) }] });
      show('records written per partition', latest[0]?.partitions.map((p) => `${p.partitionIndex}:${p.offset}`));
      const after = await producer.send({ messages: [{ topic, partition: 0, key: Buffer.from('after'), value: Buffer.from('z') }] }).then(
        () => 'the same producer sends again: ok',
        (error: unknown) => `the same producer fails again: ${describeError(error)}`,
      );
      show('next send', after);
    });

    await section('4. compacted topic: read from the beginning to the end-at-start, then follow', async () => {
      const topic = uniqueName('bench-probe-compact');
      created.push(topic);
      await admin.createTopics({ topics: [topic], partitions: 2, replicas: 1, configs: [{ name: 'cleanup.policy', value: 'compact' }] });
      await producer.send({ messages: Array.from({ length: 1000 }, (_, i) => ({ topic, partition: i % 2, key: Buffer.from(`k${i % 300}`), value: Buffer.from(`v${i}`) })) });
      const consumer = new Consumer({ ...base, groupId: uniqueName('bench-probe-reader'), autocommit: false, maxWaitTime: 200 });
      // The end at the start: the next offset to be written, per partition.
      const ends = await consumer.listOffsets({ topics: [topic], timestamp: ListOffsetTimestamps.LATEST });
      const end = (ends.get(topic) ?? []).map(Number);
      const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST, fallbackMode: MessagesStreamFallbackModes.EARLIEST, autocommit: false });
      const next = [0, 0];
      let read = 0;
      let followed = 0;
      let caughtUpAt = 0;
      stream.on('data', (m: Msg) => {
        next[m.partition] = Number(m.offset) + 1;
        if (caughtUpAt === 0) read += 1;
        else followed += 1;
        if (caughtUpAt === 0 && next.every((n, p) => n >= (end[p] ?? 0))) caughtUpAt = Date.now();
      });
      await pollUntil(() => caughtUpAt > 0, { intervalMs: 10, description: 'end at start' });
      show('end offsets at start', end);
      show('records read up to them', read);
      await producer.send({ messages: [{ topic, partition: 0, key: Buffer.from('new'), value: Buffer.from('after the start') }] });
      await pollUntil(() => followed >= 1, { intervalMs: 10, description: 'the followed record' });
      show('followed after the end', followed);
      await stream.close();
      await consumer.close(true);
    });

    await section('5. graceful close: the member leaves the group at once', async () => {
      const topic = uniqueName('bench-probe-leave');
      created.push(topic);
      await admin.createTopics({ topics: [topic], partitions: 2, replicas: 1 });
      const groupId = uniqueName('bench-probe-leave');
      const consumer = new Consumer({ ...base, groupId, autocommit: false, sessionTimeout: 30_000, heartbeatInterval: 1000 });
      const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST, autocommit: false });
      await pollUntil(() => (consumer.assignments?.length ?? 0) > 0, { intervalMs: 20, description: 'assignment' });
      const members = async () => (await admin.describeGroups({ groups: [groupId] })).get(groupId)?.members.size;
      show('members while running', await members());
      const closing = Date.now();
      await stream.close();
      await consumer.close();
      show(`members ${Date.now() - closing} ms after close() (session timeout 30 s)`, await members());
    });

    await section('6. broker unreachable for 8 s (TCP forwarder cut, then restored)', async () => {
      const topic = uniqueName('bench-probe-outage');
      created.push(topic);
      await admin.createTopics({ topics: [topic], partitions: 2, replicas: 1 });
      const [host, port] = (BROKERS[0] as string).split(':');
      const forwarder = await TcpForwarder.start(host as string, Number(port), { kafka: true });
      for (const retries of [3, true] as const) {
        const options = { clientId: 'bench-probe-outage', bootstrapBrokers: [forwarder.hostPort], retries, retryDelay: 500, requestTimeout: 5000, connectTimeout: 2000 };
        const p = new Producer({ ...options, idempotent: true, acks: ProduceAcks.ALL });
        const c = new Consumer({ ...options, groupId: uniqueName('bench-probe-outage'), autocommit: false, maxWaitTime: 200, sessionTimeout: 20_000, heartbeatInterval: 1000 });
        const stream = await c.consume({ topics: [topic], mode: MessagesStreamModes.LATEST, autocommit: false });
        let consumed = 0;
        const streamErrors: string[] = [];
        stream.on('data', () => (consumed += 1));
        stream.on('error', (error) => streamErrors.push(describeError(error)));
        const sendErrors: string[] = [];
        let sent = 0;
        let stop = false;
        const sending = (async () => {
          for (let i = 0; !stop; i++) {
            await p.send({ messages: [{ topic, partition: i % 2, key: Buffer.from(`o${i}`), value: Buffer.from('x') }] }).then(
              () => (sent += 1),
              (error: unknown) => sendErrors.push(describeError(error).slice(0, 300)),
            );
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        })();
        await pollUntil(() => consumed >= 20, { intervalMs: 20, description: 'consuming before the cut' });
        await forwarder.cut();
        const cutAt = Date.now();
        await new Promise((resolve) => setTimeout(resolve, 8000));
        const during = { sent, consumed, sendErrors: sendErrors.length, streamErrors: streamErrors.length };
        await forwarder.restore();
        const sentAtRestore = sent;
        const consumedAtRestore = consumed;
        const recovered = await pollUntil(() => sent > sentAtRestore + 10 && consumed > consumedAtRestore + 10, { timeoutMs: 30_000, intervalMs: 50, description: 'sending and consuming again' }).then(
          () => `both recovered ${((Date.now() - cutAt) / 1000 - 8).toFixed(1)} s after the restore`,
          () => `not recovered within 30 s: sent +${sent - sentAtRestore}, consumed +${consumed - consumedAtRestore}, stream ${stream.destroyed ? 'destroyed' : 'alive'}`,
        );
        stop = true;
        await sending;
        show(`retries=${String(retries)}: during the cut`, during);
        show(`retries=${String(retries)}: after the restore`, recovered);
        show(`retries=${String(retries)}: first send error`, sendErrors[0] ?? 'none');
        show(`retries=${String(retries)}: stream errors`, streamErrors.slice(0, 2));
        await stream.close().catch(() => undefined);
        await c.close(true).catch(() => undefined);
        await p.close().catch(() => undefined);
      }
      await forwarder.cut();
    });

    await section('8. per-partition order with 5 sends in flight across a 3 s cut (idempotent producer, retries=true)', async () => {
      const topic = uniqueName('bench-probe-order');
      created.push(topic);
      await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
      const [host, port] = (BROKERS[0] as string).split(':');
      const forwarder = await TcpForwarder.start(host as string, Number(port), { kafka: true });
      const p = new Producer({ clientId: 'bench-probe-order', bootstrapBrokers: [forwarder.hostPort], idempotent: true, acks: ProduceAcks.ALL, retries: true, retryDelay: 250, requestTimeout: 3000, connectTimeout: 1000 });
      let next = 0;
      let acked = 0;
      const errors: string[] = [];
      const inFlight = new Set<Promise<unknown>>();
      let cutDone = false;
      const cutting = (async () => {
        await pollUntil(() => acked >= 200, { intervalMs: 10, description: '200 sends acknowledged' });
        await forwarder.cut();
        await new Promise((resolve) => setTimeout(resolve, 3000));
        await forwarder.restore();
        cutDone = true;
      })();
      while (!cutDone || acked < next) {
        if (inFlight.size < 5 && (!cutDone || next < 2000)) {
          const batch = Array.from({ length: 10 }, (_, j) => ({ topic, partition: 0, key: Buffer.from(`s${next * 10 + j}`), value: Buffer.from('o') }));
          next += 1;
          const sent = p.send({ messages: batch }).then(
            () => (acked += 1),
            (error: unknown) => errors.push(describeError(error).slice(0, 200)),
          );
          inFlight.add(sent);
          void sent.finally(() => inFlight.delete(sent));
        } else await Promise.race(inFlight);
        if (cutDone && next >= 2000 && inFlight.size === 0) break;
      }
      await cutting;
      await p.close();
      await forwarder.cut();
      const wire = execFileSync('kcat', ['-C', '-b', BROKERS.join(','), '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%k\n'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      const keys = wire.trim().split('\n').map((k) => Number(k.slice(1)));
      let reordered = 0;
      let duplicates = 0;
      const seen = new Set<number>();
      let max = -1;
      for (const k of keys) {
        if (seen.has(k)) duplicates += 1;
        else if (k < max) reordered += 1;
        seen.add(k);
        max = Math.max(max, k);
      }
      show('sends', { issued: next, acknowledged: acked, failed: errors.length, firstError: errors[0] ?? 'none' });
      show('partition 0 read back', { records: keys.length, distinct: seen.size, missing: next * 10 - seen.size, duplicates, reordered });
    });

    await section('7. TLS: certificate verified by default, a CA file makes it pass', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'bench-probe-tls-'));
      try {
        execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
        const cert = readFileSync(path.join(dir, 'cert.pem'));
        let handshakes = 0;
        // A TLS server that is not Kafka: a handshake that completes proves the certificate was accepted.
        const server = createServer({ key: readFileSync(path.join(dir, 'key.pem')), cert }, (socket) => {
          handshakes += 1;
          socket.destroy();
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        const address = server.address() as { port: number };
        const attempt = async (tls: { ca?: Buffer; rejectUnauthorized?: boolean }): Promise<string> => {
          const before = handshakes;
          const client = new Admin({ clientId: 'bench-probe-tls', bootstrapBrokers: [`127.0.0.1:${address.port}`], tls, retries: 0, connectTimeout: 2000, requestTimeout: 2000 });
          const outcome = await client.listTopics().then(
            () => 'listTopics answered (unexpected)',
            (error: unknown) => describeError(error).slice(0, 200),
          );
          await client.close().catch(() => undefined);
          return `${handshakes > before ? 'handshake completed' : 'handshake refused'}; ${outcome}`;
        };
        show('tls: {} (system CAs, rejectUnauthorized default)', await attempt({}));
        show('tls: { ca: <the CA file> }', await attempt({ ca: cert }));
        show('tls: { rejectUnauthorized: false }', await attempt({ rejectUnauthorized: false }));
        server.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  } finally {
    await admin.deleteTopics({ topics: created }).catch(() => undefined);
    await producer.close().catch(() => undefined);
    await admin.close().catch(() => undefined);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
