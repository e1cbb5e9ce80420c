import { IoError } from '../../io-error';
import { toKafkaIoError } from '../kafka-errors';

/**
 * librdkafka error codes after which trying again later can succeed: negative codes are the
 * client's own (transport, timeouts, all brokers down, queue full), positive ones are broker
 * responses (leadership moved, coordinator loading or moved, rebalance, replicas short).
 * @confluentinc/kafka-javascript sets `retriable` only for the transactional producer, so the
 * code decides here.
 */
const RETRIABLE_CODES = new Set([
  -195, // _TRANSPORT
  -193, // _RESOLVE
  -192, // _MSG_TIMED_OUT
  -187, // _ALL_BROKERS_DOWN
  -185, // _TIMED_OUT
  -184, // _QUEUE_FULL
  -180, // _WAIT_COORD
  -174, // _REVOKE_PARTITIONS (commit raced a revoke)
  5, // LEADER_NOT_AVAILABLE
  6, // NOT_LEADER_FOR_PARTITION
  7, // REQUEST_TIMED_OUT
  13, // NETWORK_EXCEPTION
  14, // COORDINATOR_LOAD_IN_PROGRESS
  15, // COORDINATOR_NOT_AVAILABLE
  16, // NOT_COORDINATOR
  19, // NOT_ENOUGH_REPLICAS
  20, // NOT_ENOUGH_REPLICAS_AFTER_APPEND
  22, // ILLEGAL_GENERATION (the member rejoins; the batch is fetched again)
  25, // UNKNOWN_MEMBER_ID
  27, // REBALANCE_IN_PROGRESS
]);

export function toConfluentIoError(error: unknown, action: string): IoError {
  if (error instanceof IoError) return error;
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (typeof code === 'number' && RETRIABLE_CODES.has(code)) {
    const message = error instanceof Error ? error.message : String(error);
    return new IoError('KAFKA_UNAVAILABLE', `${action}: librdkafka ${code}: ${message}`, { cause: error });
  }
  return toKafkaIoError(error, action);
}
