import { DEFAULT_MAX_SEND_BYTES, PLATFORMATIC_FETCH_DEFAULTS } from '@iocflow/io';

/**
 * A variant is one client with its settings: `client[+scan][:name=value]...`, e.g.
 * `platformatic`, `platformatic+scan`, `confluent:producer.linger.ms=20:compression=lz4`.
 * Settings not named keep the client's tuned defaults below (docs/benchmarks.md says what each
 * bought); `compression` picks both the source topic's codec and the output's.
 */
export const CLIENTS = ['kcat', 'kafkajs', 'platformatic', 'confluent', 'rdkafka', 'io'] as const;
export type ClientName = (typeof CLIENTS)[number];


export type Settings = Readonly<Record<string, string>>;

export interface Variant {
  readonly label: string;
  readonly client: ClientName;
  /** Validating byte scan of every value (UTF-8 + scanJsonObject) before it is produced. */
  readonly scan: boolean;
  readonly settings: Settings;
  readonly compression: Compression;
}

export const COMPRESSIONS = ['none', 'gzip', 'lz4', 'zstd'] as const;
export type Compression = (typeof COMPRESSIONS)[number];

/**
 * The tuned defaults (measured: docs/benchmarks.md, "Kafka client chosen by numbers"). Names are
 * each client's own option names; `consumer.*` / `producer.*` are librdkafka properties.
 * Common to the Node clients: `inflight` (batches produced and not yet acknowledged, per process).
 */
export const TUNED: Readonly<Record<ClientName, Settings>> = {
  // librdkafka 2.0.2 (Debian) defaults, plus what the other clients do: idempotent, acks=all.
  kcat: {},
  kafkajs: {
    partitionsConsumedConcurrently: '4',
    maxBytesPerPartition: '1048576',
    maxBytes: '10485760',
    minBytes: '1',
    maxWaitTimeInMs: '100',
    // eachBatch awaits its own acknowledgement (kafkajs fetches again only after every eachBatch
    // of a fetch returned); `0` = return once produced, up to `inflight` batches unacknowledged.
    awaitAck: '1',
    inflight: '8',
  },
  platformatic: {
    maxBytes: '8388608',
    // 512 KiB per partition: one fetch's records of a partition fit one send (one record batch,
    // under max.message.bytes) without cutting; 1 MiB cost ~2.6 µs/event more (cut into two).
    maxBytesPerPartition: '524288',
    minBytes: '1',
    maxWaitTime: '100',
    highWaterMark: '4096',
    maxInflights: '5',
    inflight: '8',
    // Records of one partition handed to one send(): 0 = whatever one fetch response holds,
    // cut at sendBytes (under the brokers' default max.message.bytes of 1 MiB).
    batch: '0',
    sendBytes: '900000',
  },
  confluent: {
    partitionsConsumedConcurrently: '4',
    // -1 (all that is prefetched) handed batches of ~30,000 and ~900 MB RSS for no gain.
    'js.consumer.max.batch.size': '1000',
    awaitAck: '0',
    inflight: '8',
    'producer.linger.ms': '5',
  },
  // the services' owners (io-driver.ts) with the services' defaults (enricher: 4 partitions at
  // once, window 8; the io driver's fetch size, wait, read-ahead and send cut)
  io: {
    client: 'platformatic',
    partitionsConsumedConcurrently: '4',
    inflight: '8',
    maxBytesPerPartition: String(PLATFORMATIC_FETCH_DEFAULTS.maxBytesPerPartition),
    maxWaitTimeMs: String(PLATFORMATIC_FETCH_DEFAULTS.maxWaitTimeMs),
    readAhead: String(PLATFORMATIC_FETCH_DEFAULTS.maxReadAheadRecords),
    sendBytes: String(DEFAULT_MAX_SEND_BYTES),
  },
  rdkafka: {
    // consume(n) per call; the handler waits for the batch's delivery reports.
    batch: '2000',
    inflight: '8',
    'producer.linger.ms': '5',
  },
};

export function parseVariant(spec: string): Variant {
  const [head = '', ...pairs] = spec.trim().split(':');
  const [clientName = '', modifier] = head.split('+');
  if (!(CLIENTS as readonly string[]).includes(clientName)) throw new Error(`variant ${JSON.stringify(spec)}: unknown client (one of ${CLIENTS.join(', ')})`);
  if (modifier !== undefined && modifier !== 'scan') throw new Error(`variant ${JSON.stringify(spec)}: unknown modifier +${modifier} (only +scan)`);
  const client = clientName as ClientName;
  const settings: Record<string, string> = { ...TUNED[client] };
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`variant ${JSON.stringify(spec)}: setting ${JSON.stringify(pair)} is not name=value`);
    settings[pair.slice(0, at)] = pair.slice(at + 1);
  }
  const compression = (settings['compression'] ?? 'none') as Compression;
  if (!(COMPRESSIONS as readonly string[]).includes(compression)) throw new Error(`variant ${JSON.stringify(spec)}: compression must be one of ${COMPRESSIONS.join(', ')}`);
  if ((client === 'kafkajs' || (client === 'io' && settings['client'] === 'kafkajs')) && compression !== 'none' && compression !== 'gzip') {
    throw new Error(`variant ${JSON.stringify(spec)}: kafkajs decodes only gzip without codec plugins`);
  }
  return { label: spec.trim(), client, scan: modifier === 'scan', settings, compression };
}

export function numberSetting(settings: Settings, name: string): number {
  const value = Number(settings[name]);
  if (!Number.isFinite(value)) throw new Error(`setting ${name}=${settings[name]} is not a number`);
  return value;
}

/** librdkafka properties of one side: `producer.linger.ms=5` → { 'linger.ms': '5' }. */
export function rdkafkaProperties(settings: Settings, side: 'consumer' | 'producer'): Record<string, string> {
  const prefix = `${side}.`;
  return Object.fromEntries(Object.entries(settings).filter(([name]) => name.startsWith(prefix)).map(([name, value]) => [name.slice(prefix.length), value]));
}
