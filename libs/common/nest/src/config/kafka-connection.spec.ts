import { ConfigError } from './config-error';
import { kafkaConnection, type KafkaEnvironment } from './kafka-connection';

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
