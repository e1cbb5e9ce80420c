import type { BaseOptions } from '@platformatic/kafka';
import { IoError } from '../../io-error';
import { type KafkaConnectionOptions, validateKafkaConnection } from '../kafka-config';
import { PRODUCER_STATE_ERROR_TYPES, RECORD_REFUSED_ERROR_TYPES } from '../kafka-errors';

/** The validated connection options in @platformatic/kafka's shape. */
export type PlatformaticConnection = Pick<BaseOptions, 'clientId' | 'bootstrapBrokers' | 'connectTimeout' | 'requestTimeout' | 'tls' | 'sasl'>;

/**
 * Connection options (validated once, as for kafkajs) → the client's: TLS verified unless
 * `rejectUnauthorized: false`, the CA file's PEM, SASL PLAIN / SCRAM-SHA-256 / SCRAM-SHA-512.
 */
export function platformaticConnection(options: KafkaConnectionOptions): PlatformaticConnection {
  const o = validateKafkaConnection(options);
  return {
    clientId: o.clientId,
    bootstrapBrokers: o.brokerList,
    connectTimeout: o.connectionTimeoutMs,
    requestTimeout: o.requestTimeoutMs,
    ...(o.tls ? { tls: { rejectUnauthorized: o.tls.rejectUnauthorized, ...(o.ca ? { ca: o.ca } : {}) } } : {}),
    ...(o.sasl ? { sasl: { mechanism: SASL_MECHANISMS[o.sasl.mechanism], username: o.sasl.username, password: o.sasl.password } } : {}),
  };
}

const SASL_MECHANISMS = { plain: 'PLAIN', 'scram-sha-256': 'SCRAM-SHA-256', 'scram-sha-512': 'SCRAM-SHA-512' } as const;

const UNAVAILABLE_CODES = new Set(['PLT_KFK_NETWORK', 'PLT_KFK_TIMEOUT', 'PLT_KFK_UNEXPECTED_CORRELATION_ID']);

/** Every error in `error`'s tree: its causes and, for MultipleErrors, each of its errors. */
function* errorTree(error: unknown, seen = new Set<unknown>()): Generator<Record<string, unknown>> {
  if (typeof error !== 'object' || error === null || seen.has(error)) return;
  seen.add(error);
  const node = error as Record<string, unknown>;
  yield node;
  if (Array.isArray(node['errors'])) for (const inner of node['errors']) yield* errorTree(inner, seen);
  yield* errorTree(node['cause'], seen);
}

/**
 * A @platformatic/kafka failure → KAFKA_UNAVAILABLE (network, timeout, a protocol error the client
 * marks `canRetry`, producer state lost) or KAFKA_REJECTED (authentication, a refused record,
 * anything marked not retriable). Protocol errors carry `apiId` (e.g. MESSAGE_TOO_LARGE), which is
 * copied to `type` so that recordRefusedType/producerStateErrorType find it as for kafkajs.
 */
export function toPlatformaticIoError(error: unknown, action: string): IoError {
  if (error instanceof IoError) return error;
  let retriable = false;
  let refused = false;
  let lostState = false;
  /** The protocol error that decides (a refused record, lost producer state): the IoError's cause, so recordRefusedType and producerStateErrorType find it. */
  let decisive: unknown;
  let details = '';
  for (const node of errorTree(error)) {
    const apiId = node['apiId'];
    if (typeof apiId === 'string') {
      node['type'] ??= apiId;
      if (RECORD_REFUSED_ERROR_TYPES.has(apiId)) refused = true;
      if (PRODUCER_STATE_ERROR_TYPES.has(apiId)) lostState = true;
      if ((RECORD_REFUSED_ERROR_TYPES.has(apiId) || PRODUCER_STATE_ERROR_TYPES.has(apiId)) && decisive === undefined) decisive = node;
      if (!details.includes(apiId)) details += ` ${apiId}`;
    }
    if (typeof node['code'] === 'string' && UNAVAILABLE_CODES.has(node['code'])) retriable = true;
    if (node['canRetry'] === true) retriable = true;
    // the client checks topics itself: a topic that does not exist (yet) may be created later
    if (node['code'] === 'PLT_KFK_USER' && typeof node['message'] === 'string' && node['message'].startsWith('Unknown topic')) retriable = true;
  }
  if (lostState) retriable = true;
  if (refused || findCode(error, 'PLT_KFK_AUTHENTICATION')) retriable = false;
  const message = error instanceof Error ? error.message : String(error);
  return new IoError(retriable ? 'KAFKA_UNAVAILABLE' : 'KAFKA_REJECTED', `${action}: ${message}${details}`, { cause: decisive ?? error });
}

function findCode(error: unknown, code: string): boolean {
  for (const node of errorTree(error)) if (node['code'] === code) return true;
  return false;
}
