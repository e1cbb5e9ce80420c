import { KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded } from 'kafkajs';
import { IoError } from '../io-error';
import { producerStateErrorType, recordRefusedType, toKafkaIoError } from './kafka-errors';

// kafkajs' own decoder of broker error codes: the errors below are exactly what a produce
// response with that code turns into.
const { createErrorFromCode } = jest.requireActual<{ createErrorFromCode(code: number): Error }>('kafkajs/src/protocol/error');

function kafkajsError(name: string, message: string, retriable: boolean): Error {
  const error = new Error(message) as Error & { retriable: boolean };
  error.name = name;
  error.retriable = retriable;
  return error;
}

describe('toKafkaIoError', () => {
  it.each([
    ['KafkaJSConnectionError', false],
    ['KafkaJSNumberOfRetriesExceeded', false],
    ['KafkaJSRequestTimeoutError', false],
    ['KafkaJSProtocolError', true],
  ])('maps %s to KAFKA_UNAVAILABLE', (name, retriable) => {
    expect(toKafkaIoError(kafkajsError(name, 'boom', retriable), 'kafka send')).toMatchObject({
      code: 'KAFKA_UNAVAILABLE',
      retriable: true,
      message: `KAFKA_UNAVAILABLE: kafka send: ${name}: boom`,
    });
  });

  it('maps non-retriable protocol errors (authorisation, bad config) to KAFKA_REJECTED', () => {
    const error = toKafkaIoError(kafkajsError('KafkaJSProtocolError', 'Not authorized', false), 'kafka send');
    expect(error).toMatchObject({ code: 'KAFKA_REJECTED', retriable: false });
    expect(error.cause).toBeInstanceOf(Error);
  });

  it.each([
    [10, 'MESSAGE_TOO_LARGE'],
    [29, 'TOPIC_AUTHORIZATION_FAILED'],
    [87, 'INVALID_RECORD'],
  ])('keeps broker code %i (%s) KAFKA_REJECTED: the same request fails again', (code, type) => {
    const error = createErrorFromCode(code);
    expect(error).toMatchObject({ type, retriable: false });
    expect(toKafkaIoError(error, 'kafka send')).toMatchObject({ code: 'KAFKA_REJECTED', retriable: false });
  });

  it.each([
    [45, 'OUT_OF_ORDER_SEQUENCE_NUMBER'],
    [46, 'DUPLICATE_SEQUENCE_NUMBER'],
    [47, 'INVALID_PRODUCER_EPOCH'],
    [49, 'INVALID_PRODUCER_ID_MAPPING'],
    [59, 'UNKNOWN_PRODUCER_ID'],
  ])('maps producer-state broker code %i (%s), non-retriable in kafkajs, to KAFKA_UNAVAILABLE', (code, type) => {
    const error = createErrorFromCode(code);
    expect(error).toMatchObject({ name: 'KafkaJSProtocolError', type, retriable: false });
    expect(producerStateErrorType(error)).toBe(type);
    expect(toKafkaIoError(error, 'kafka send')).toMatchObject({ code: 'KAFKA_UNAVAILABLE', retriable: true });
  });

  it('finds a producer-state error wrapped by kafkajs (a consumer crash caused by it)', () => {
    const cause = createErrorFromCode(45);
    // As kafkajs' retrier builds it (its typings omit the `cause` option).
    const crash: Error = Object.assign(new KafkaJSNonRetriableError(cause), { cause });
    expect(producerStateErrorType(crash)).toBe('OUT_OF_ORDER_SEQUENCE_NUMBER');
    expect(producerStateErrorType(new KafkaJSNumberOfRetriesExceeded(createErrorFromCode(10), { retryCount: 5, retryTime: 100 }))).toBeUndefined();
    expect(producerStateErrorType('OUT_OF_ORDER_SEQUENCE_NUMBER')).toBeUndefined();
  });

  it('passes IoErrors through', () => {
    const original = new IoError('KAFKA_UNAVAILABLE', 'timeout');
    expect(toKafkaIoError(original, 'x')).toBe(original);
  });
});

describe('recordRefusedType', () => {
  it.each([
    [10, 'MESSAGE_TOO_LARGE'],
    [18, 'RECORD_LIST_TOO_LARGE'],
    [87, 'INVALID_RECORD'],
  ])('finds broker code %i (%s), wrapped in the IoError the producer throws', (code, type) => {
    const error = toKafkaIoError(createErrorFromCode(code), 'kafka send');
    expect(recordRefusedType(error)).toBe(type);
  });

  it('reads a bare numeric code (librdkafka) and ignores the state of the world', () => {
    expect(recordRefusedType(Object.assign(new Error('Broker: Message size too large'), { code: 10 }))).toBe('code 10');
    expect(recordRefusedType(toKafkaIoError(createErrorFromCode(29), 'kafka send'))).toBeUndefined();
    expect(recordRefusedType(toKafkaIoError(createErrorFromCode(45), 'kafka send'))).toBeUndefined();
    expect(recordRefusedType(new IoError('KAFKA_UNAVAILABLE', 'timeout'))).toBeUndefined();
  });
});
