import { isIoError, type IoError } from '../../io-error';
import { confluentLogger, createConfluentKafka, toConfluentConfig } from './confluent-kafka-config';
import { loadConfluentKafkaJs } from './confluent-kafkajs-api';

describe('toConfluentConfig', () => {
  it('maps brokers, client id, timeouts and log level into the kafkaJS block; plaintext has no ssl', () => {
    const config = toConfluentConfig({ brokers: 'a:9092, b:9093', clientId: 'enricher', logLevel: 'error' });
    expect(config.kafkaJS).toMatchObject({ brokers: ['a:9092', 'b:9093'], clientId: 'enricher', connectionTimeout: 3000, requestTimeout: 30000, logLevel: 1 });
    expect(config.kafkaJS.ssl).toBeUndefined();
    expect(Object.keys(config)).toEqual(['kafkaJS']);
  });

  it('TLS with a CA file and verification off become librdkafka properties; SASL goes to the block', () => {
    const config = toConfluentConfig({
      brokers: ['k:9093'],
      clientId: 'c',
      tls: { caFile: '/etc/ca.pem', rejectUnauthorized: false },
      sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'secret' },
    });
    expect(config['ssl.ca.location']).toBe('/etc/ca.pem');
    expect(config['enable.ssl.certificate.verification']).toBe(false);
    expect(config.kafkaJS).toMatchObject({ ssl: true, sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'secret' } });
  });

  it('rejects bad brokers and a missing client id with INVALID_CONFIG', () => {
    expect(() => toConfluentConfig({ brokers: 'nohost', clientId: 'c' })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
    expect(() => toConfluentConfig({ brokers: 'a:1', clientId: '' })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
  });
});

describe('loadConfluentKafkaJs', () => {
  it('a package that cannot be loaded is INVALID_CONFIG naming it, not a crash at import time', () => {
    let caught: unknown;
    try {
      createConfluentKafka({ brokers: 'a:1', clientId: 'c' }, () => {
        throw new Error("Cannot find module '@confluentinc/kafka-javascript'");
      });
    } catch (error) {
      caught = error;
    }
    expect(isIoError(caught, 'INVALID_CONFIG')).toBe(true);
    expect((caught as IoError).message).toContain('@confluentinc/kafka-javascript');
  });

  it('a module without KafkaJS.Kafka is INVALID_CONFIG', () => {
    expect(() => loadConfluentKafkaJs(() => ({}))).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
  });

  it('returns the KafkaJS namespace and constructs Kafka with the mapped config', () => {
    const seen: unknown[] = [];
    const Kafka = function (this: unknown, config: unknown) {
      seen.push(config);
    };
    createConfluentKafka({ brokers: 'a:1', clientId: 'c' }, () => ({ KafkaJS: { Kafka } }));
    expect(seen).toEqual([expect.objectContaining({ kafkaJS: expect.objectContaining({ brokers: ['a:1'] }) })]);
  });
});

describe('confluentLogger', () => {
  it('passes lines at or above the level to the IoLogger with the namespace as component', () => {
    const lines: [string, string, unknown][] = [];
    const io = {
      debug: (m: string, c?: unknown) => lines.push(['debug', m, c]),
      info: (m: string, c?: unknown) => lines.push(['info', m, c]),
      warn: (m: string, c?: unknown) => lines.push(['warn', m, c]),
      error: (m: string, c?: unknown) => lines.push(['error', m, c]),
    };
    const logger = confluentLogger(io, 2, 'ckjs').namespace('consumer');
    logger.info('hidden');
    logger.warn('shown', { x: 1 });
    logger.setLogLevel(4);
    logger.debug('now shown');
    expect(lines).toEqual([
      ['warn', 'shown', { component: 'ckjs.consumer', x: 1 }],
      ['debug', 'now shown', { component: 'ckjs.consumer' }],
    ]);
  });
});
