import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { IoError } from '../../io-error';
import { producerStateErrorType, recordRefusedType } from '../kafka-errors';
import { platformaticConnection, toPlatformaticIoError } from './platformatic-kafka';

const base = { brokers: 'k1:9093,k2:9093', clientId: 'enricher' };

describe('platformaticConnection', () => {
  it('maps brokers, timeouts, and no TLS or SASL when none is configured', () => {
    expect(platformaticConnection(base)).toEqual({ clientId: 'enricher', bootstrapBrokers: ['k1:9093', 'k2:9093'], connectTimeout: 3000, requestTimeout: 30000 });
  });

  it('turns TLS on with certificate verification unless it is switched off, and reads the CA file', () => {
    expect(platformaticConnection({ ...base, tls: {} }).tls).toEqual({ rejectUnauthorized: true });
    expect(platformaticConnection({ ...base, tls: { rejectUnauthorized: false } }).tls).toEqual({ rejectUnauthorized: false });
    const dir = mkdtempSync(path.join(tmpdir(), 'kafka-ca-'));
    const caFile = path.join(dir, 'ca.pem');
    writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    expect(platformaticConnection({ ...base, tls: { caFile } }).tls).toEqual({ rejectUnauthorized: true, ca: [expect.stringContaining('BEGIN CERTIFICATE')] });
    expect(() => platformaticConnection({ ...base, tls: { caFile: path.join(dir, 'missing.pem') } })).toThrow(/INVALID_CONFIG/);
  });

  it.each([
    ['plain', 'PLAIN'],
    ['scram-sha-256', 'SCRAM-SHA-256'],
    ['scram-sha-512', 'SCRAM-SHA-512'],
  ] as const)('maps SASL %s to the client mechanism %s', (mechanism, expected) => {
    expect(platformaticConnection({ ...base, sasl: { mechanism, username: 'iocflow', password: 's3cret' } }).sasl).toEqual({ mechanism: expected, username: 'iocflow', password: 's3cret' });
  });

  it('refuses invalid options once, without echoing the password', () => {
    let error: unknown;
    try {
      platformaticConnection({ ...base, brokers: 'no-port', sasl: { mechanism: 'plain', username: '', password: 's3cret-value' } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(IoError);
    expect(String((error as Error).message)).not.toContain('s3cret-value');
  });
});

describe('toPlatformaticIoError', () => {
  const protocolError = (apiId: string, canRetry: boolean): Error => Object.assign(new Error(`protocol ${apiId}`), { code: 'PLT_KFK_PROTOCOL', apiId, canRetry });
  const multiple = (...errors: Error[]): Error => Object.assign(new AggregateError(errors, 'Producing messages failed.'), { code: 'PLT_KFK_MULTIPLE' });

  it('network errors and retriable protocol errors are KAFKA_UNAVAILABLE', () => {
    expect(toPlatformaticIoError(multiple(Object.assign(new Error('connect ECONNREFUSED'), { code: 'PLT_KFK_NETWORK' })), 'send')).toMatchObject({ code: 'KAFKA_UNAVAILABLE', retriable: true });
    expect(toPlatformaticIoError(multiple(protocolError('NOT_LEADER_OR_FOLLOWER', true)), 'send')).toMatchObject({ code: 'KAFKA_UNAVAILABLE' });
  });

  it('a refused record is KAFKA_REJECTED and recordRefusedType finds it', () => {
    const error = toPlatformaticIoError(multiple(protocolError('MESSAGE_TOO_LARGE', false)), 'send');
    expect(error).toMatchObject({ code: 'KAFKA_REJECTED', retriable: false });
    expect(error.message).toContain('MESSAGE_TOO_LARGE');
    expect(recordRefusedType(error)).toBe('MESSAGE_TOO_LARGE');
  });

  it('authentication failures are KAFKA_REJECTED; lost producer state is retriable and found by producerStateErrorType', () => {
    expect(toPlatformaticIoError(Object.assign(new Error('SASL failed'), { code: 'PLT_KFK_AUTHENTICATION', canRetry: false }), 'connect')).toMatchObject({ code: 'KAFKA_REJECTED' });
    const lost = toPlatformaticIoError(multiple(protocolError('OUT_OF_ORDER_SEQUENCE_NUMBER', false)), 'send');
    expect(lost).toMatchObject({ code: 'KAFKA_UNAVAILABLE' });
    expect(producerStateErrorType(lost)).toBe('OUT_OF_ORDER_SEQUENCE_NUMBER');
  });
});
