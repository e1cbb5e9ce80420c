import { ConfigError } from './config-error';
import { z } from 'zod';
import { DEFAULT_KAFKA_COMPRESSION } from '@iocflow/io';
import { serviceEnvironment } from './env-schemas';
import { kafkaConnection, kafkaGroupSettings, kafkaProducerSettings, type KafkaEnvironment } from './kafka-connection';
import { loadConfig } from './load-config';

const plain: KafkaEnvironment = { KAFKA_BROKERS: ['b1:9092', 'b2:9092'], KAFKA_SSL: false, KAFKA_SSL_REJECT_UNAUTHORIZED: true };

describe('kafkaConnection', () => {
  it('plain brokers with the service client id unless overridden', () => {
    expect(kafkaConnection(plain, 'enricher')).toEqual({ brokers: ['b1:9092', 'b2:9092'], clientId: 'enricher' });
    expect(kafkaConnection({ ...plain, KAFKA_CLIENT_ID: 'edge-1' }, 'enricher').clientId).toBe('edge-1');
  });

  it('TLS verified by default, with an optional CA file', () => {
    expect(kafkaConnection({ ...plain, KAFKA_SSL: true, KAFKA_SSL_CA_FILE: '/ca.pem' }, 'x').tls).toEqual({ rejectUnauthorized: true, caFile: '/ca.pem' });
  });

  it('SASL needs both credentials', () => {
    const sasl = { ...plain, KAFKA_SASL_MECHANISM: 'scram-sha-512' as const, KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' };
    expect(kafkaConnection(sasl, 'x').sasl).toEqual({ mechanism: 'scram-sha-512', username: 'u', password: 'p' });
    expect(() => kafkaConnection({ ...sasl, KAFKA_SASL_PASSWORD: undefined }, 'x')).toThrow(ConfigError);
  });
});

describe('Kafka group and producer settings', () => {
  const schema = z.object(serviceEnvironment);

  it('defaults: classic groups, no static id, the io session timeout; the client default compression', () => {
    const env = loadConfig(schema, {});
    expect(env.KAFKA_GROUP_PROTOCOL).toBe('classic');
    expect(env.KAFKA_SESSION_TIMEOUT).toBe(30_000);
    expect(env.KAFKA_GROUP_INSTANCE_ID).toBeUndefined();
    expect(kafkaGroupSettings(env)).toEqual({ groupProtocol: 'classic', sessionTimeoutMs: 30_000, heartbeatIntervalMs: 3000 });
    expect(kafkaProducerSettings(env)).toEqual({ compression: DEFAULT_KAFKA_COMPRESSION.platformatic });
    expect(kafkaProducerSettings({ ...env, KAFKA_CLIENT: 'kafkajs' })).toEqual({ compression: 'none' });
  });

  it('a static id from the pod name; an empty one is none; a short session heartbeats every third of it', () => {
    const env = loadConfig(schema, { KAFKA_GROUP_INSTANCE_ID: 'iocflow-indexer-7d9f8c6b5-x2x4q', KAFKA_SESSION_TIMEOUT: '9s', KAFKA_GROUP_PROTOCOL: 'classic' });
    expect(kafkaGroupSettings(env)).toEqual({ groupProtocol: 'classic', sessionTimeoutMs: 9000, heartbeatIntervalMs: 3000, groupInstanceId: 'iocflow-indexer-7d9f8c6b5-x2x4q' });
    expect(kafkaGroupSettings(loadConfig(schema, { KAFKA_SESSION_TIMEOUT: '6s' })).heartbeatIntervalMs).toBe(2000);
    expect(loadConfig(schema, { KAFKA_GROUP_INSTANCE_ID: '' }).KAFKA_GROUP_INSTANCE_ID).toBeUndefined();
    expect(kafkaGroupSettings(loadConfig(schema, { KAFKA_GROUP_PROTOCOL: 'consumer' })).groupProtocol).toBe('consumer');
  });

  it('refuses an unknown protocol or codec, a session outside 6s–30m and an id with spaces, in one error', () => {
    let error: unknown;
    try {
      loadConfig(schema, { KAFKA_GROUP_PROTOCOL: 'eager', KAFKA_SESSION_TIMEOUT: '2s', KAFKA_GROUP_INSTANCE_ID: 'two words', KAFKA_COMPRESSION: 'brotli' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.split(':')[0]).sort()).toEqual(['KAFKA_COMPRESSION', 'KAFKA_GROUP_INSTANCE_ID', 'KAFKA_GROUP_PROTOCOL', 'KAFKA_SESSION_TIMEOUT']);
    expect(() => loadConfig(schema, { KAFKA_SESSION_TIMEOUT: '31m' })).toThrow(ConfigError);
  });

  it('kafkajs, or a topic the kafkajs topic reader reads, accepts none and gzip only', () => {
    const env = loadConfig(schema, { KAFKA_COMPRESSION: 'zstd' });
    expect(kafkaProducerSettings(env)).toEqual({ compression: 'zstd' });
    expect(() => kafkaProducerSettings({ ...env, KAFKA_CLIENT: 'kafkajs' })).toThrow(/KAFKA_COMPRESSION: zstd is not offered with KAFKA_CLIENT=kafkajs/);
    expect(() => kafkaProducerSettings(env, { readByKafkajs: 'the indicator topic' })).toThrow(/the indicator topic is read by the kafkajs topic reader/);
    expect(kafkaProducerSettings(loadConfig(schema, { KAFKA_COMPRESSION: 'gzip' }), { readByKafkajs: 'the indicator topic' })).toEqual({ compression: 'gzip' });
    expect(kafkaProducerSettings(loadConfig(schema, {}), { readByKafkajs: 'the indicator topic' })).toEqual({ compression: 'none' });
  });
});
