import { IoError } from '../io-error';

const UNAVAILABLE_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSLockTimeout',
  'KafkaJSConnectionClosedError',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSGroupCoordinatorNotFound',
]);

/**
 * Maps a kafkajs failure to KAFKA_UNAVAILABLE (a retry later may work: connection, timeout,
 * leader moves, retries exhausted on a retriable error) or KAFKA_REJECTED (authorisation, invalid
 * request or config). kafkajs marks each protocol error `retriable`; we trust it.
 */
export function toKafkaIoError(error: unknown, action: string): IoError {
  if (error instanceof IoError) return error;
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const retriable =
    UNAVAILABLE_NAMES.has(name) ||
    (typeof error === 'object' && error !== null && (error as { retriable?: unknown }).retriable === true);
  return new IoError(retriable ? 'KAFKA_UNAVAILABLE' : 'KAFKA_REJECTED', `${action}: ${name}: ${message}`, { cause: error });
}
