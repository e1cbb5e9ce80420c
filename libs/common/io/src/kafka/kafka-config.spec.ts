import { createKafkaClient, describeKafkaConnection, parseKafkaBrokers } from './kafka-config';

const sasl = { mechanism: 'scram-sha-512' as const, username: 'iocflow', password: 'p4ss-w0rd' };

describe('kafka config', () => {
  it('parses KAFKA_BROKERS', () => {
    expect(parseKafkaBrokers(' k1:9092, k2.svc:9093 ')).toEqual(['k1:9092', 'k2.svc:9093']);
    expect(() => parseKafkaBrokers('k1')).toThrow(/INVALID_CONFIG/);
    expect(() => parseKafkaBrokers('')).toThrow(/INVALID_CONFIG/);
  });

  it('builds a client with SASL and TLS', () => {
    expect(() => createKafkaClient({ brokers: 'k1:9093', clientId: 'it', sasl, tls: {} })).not.toThrow();
  });

  it('reports every bad option at once, without the password', () => {
    let message = '';
    try {
      createKafkaClient({ brokers: 'k1:9092', clientId: '', sasl: { ...sasl, username: '' }, requestTimeoutMs: 0 });
    } catch (error) {
      message = String(error);
    }
    expect(message).toMatch(/clientId.*sasl\.username.*requestTimeoutMs/);
    expect(message).not.toContain(sasl.password);
  });

  it('fails with INVALID_CONFIG when the CA file cannot be read', () => {
    expect(() => createKafkaClient({ brokers: 'k1:9093', clientId: 'it', tls: { caFile: '/nonexistent/ca.pem' } })).toThrow(
      /INVALID_CONFIG: kafka options: cannot read tls.caFile/,
    );
  });

  it('describes the connection for logs without secrets', () => {
    const text = describeKafkaConnection({ brokers: ['k1:9093'], clientId: 'enricher', sasl, tls: { rejectUnauthorized: false } });
    expect(text).toBe('kafka client=platformatic brokers=k1:9093 clientId=enricher tls(rejectUnauthorized=false) sasl=scram-sha-512 user=iocflow');
    expect(text).not.toContain(sasl.password);
  });
});
