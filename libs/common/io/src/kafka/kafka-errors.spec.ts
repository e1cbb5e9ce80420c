import { IoError } from '../io-error';
import { toKafkaIoError } from './kafka-errors';

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

  it('passes IoErrors through', () => {
    const original = new IoError('KAFKA_UNAVAILABLE', 'timeout');
    expect(toKafkaIoError(original, 'x')).toBe(original);
  });
});
