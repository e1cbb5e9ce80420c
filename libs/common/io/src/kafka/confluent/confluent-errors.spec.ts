import { IoError } from '../../io-error';
import { toConfluentIoError } from './confluent-errors';

const librdkafkaError = (code: number, message: string): Error => Object.assign(new Error(message), { name: 'KafkaJSError', code });

describe('toConfluentIoError', () => {
  it.each([
    [-195, 'Local: Broker transport failure'],
    [-192, 'Local: Message timed out'],
    [-187, 'Local: All broker connections are down'],
    [27, 'Broker: Group rebalance in progress'],
    [22, 'Broker: Specified group generation id is not valid'],
    [16, 'Broker: Not coordinator'],
  ])('librdkafka %i (%s) is KAFKA_UNAVAILABLE', (code, message) => {
    const error = toConfluentIoError(librdkafkaError(code, message), 'kafka send');
    expect(error.code).toBe('KAFKA_UNAVAILABLE');
    expect(error.retriable).toBe(true);
    expect(error.message).toContain(message);
  });

  it.each([
    [29, 'Broker: Topic authorization failed'],
    [3, 'Broker: Unknown topic or partition'],
    [-186, 'Local: Invalid argument or configuration'],
  ])('librdkafka %i (%s) is KAFKA_REJECTED', (code, message) => {
    expect(toConfluentIoError(librdkafkaError(code, message), 'kafka send').code).toBe('KAFKA_REJECTED');
  });

  it('keeps an IoError as it is', () => {
    const error = new IoError('CLOSED', 'closed');
    expect(toConfluentIoError(error, 'x')).toBe(error);
  });
});
