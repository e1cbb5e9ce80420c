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
 * Broker answers that mean the idempotent producer's state (producer id, epoch, per-partition
 * sequence numbers) no longer matches the broker's. kafkajs marks them non-retriable because the
 * same producer would fail the same way, but a new producer (a new producer id, sequences from 0)
 * succeeds. They follow a broker restart or an outage during a produce: kafkajs rolls a sequence
 * back after a request it thinks failed although the broker wrote it, or the broker forgot the
 * producer id. Protocol error codes 45, 46, 47, 49, 59.
 */
export const PRODUCER_STATE_ERROR_TYPES: ReadonlySet<string> = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'DUPLICATE_SEQUENCE_NUMBER',
  'INVALID_PRODUCER_EPOCH',
  'INVALID_PRODUCER_ID_MAPPING',
  'UNKNOWN_PRODUCER_ID',
]);

/**
 * The producer-state error type (see PRODUCER_STATE_ERROR_TYPES) found on `error` or anywhere in
 * its `cause` chain (kafkajs wraps protocol errors in retry/crash errors), else undefined.
 */
export function producerStateErrorType(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  for (let current: unknown = error; typeof current === 'object' && current !== null && !seen.has(current); current = (current as { cause?: unknown }).cause) {
    seen.add(current);
    const type = (current as { type?: unknown }).type;
    if (typeof type === 'string' && PRODUCER_STATE_ERROR_TYPES.has(type)) return type;
  }
  return undefined;
}

/**
 * Broker answers that refuse a record for what it is, not for the state of the world: over the
 * topic's `max.message.bytes` (MESSAGE_TOO_LARGE, protocol code 10; librdkafka's MSG_SIZE_TOO_LARGE
 * is the same code), a batch over the request size (RECORD_LIST_TOO_LARGE, 18), a record the broker
 * validated and refused (INVALID_RECORD, 87). Sending the same record again fails the same way;
 * a smaller send (fewer records) may succeed.
 */
export const RECORD_REFUSED_ERROR_TYPES: ReadonlySet<string> = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD']);
const RECORD_REFUSED_CODES: ReadonlySet<number> = new Set([10, 18, 87]);

/**
 * The record-refusal type (RECORD_REFUSED_ERROR_TYPES, or `code <n>` from a client that gives
 * only the number) found on `error` or in its `cause` chain, else undefined.
 */
export function recordRefusedType(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  for (let current: unknown = error; typeof current === 'object' && current !== null && !seen.has(current); current = (current as { cause?: unknown }).cause) {
    seen.add(current);
    const { type, code } = current as { type?: unknown; code?: unknown };
    if (typeof type === 'string' && RECORD_REFUSED_ERROR_TYPES.has(type)) return type;
    if (typeof code === 'number' && RECORD_REFUSED_CODES.has(code)) return `code ${code}`;
  }
  return undefined;
}

/**
 * Maps a kafkajs failure to KAFKA_UNAVAILABLE (a retry later may work: connection, timeout,
 * leader moves, retries exhausted on a retriable error, producer state lost — KafkaProducer
 * replaces its producer when it sees one) or KAFKA_REJECTED (authorisation, invalid request or
 * config, a record too large). Otherwise kafkajs marks each protocol error `retriable`; we trust it.
 */
export function toKafkaIoError(error: unknown, action: string): IoError {
  if (error instanceof IoError) return error;
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const retriable =
    UNAVAILABLE_NAMES.has(name) ||
    (typeof error === 'object' && error !== null && (error as { retriable?: unknown }).retriable === true) ||
    producerStateErrorType(error) !== undefined;
  return new IoError(retriable ? 'KAFKA_UNAVAILABLE' : 'KAFKA_REJECTED', `${action}: ${name}: ${message}`, { cause: error });
}
