import { type LogEntry, logLevel, type logCreator } from 'kafkajs';

/** The logging surface the io owners need; the NestJS layer adapts its logger to it. */
export interface IoLogger {
  debug(message: string, context?: Record<string, unknown>): void;
  info(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

/** Default when no logger is given: warnings and errors as one JSON line on stderr, nothing else. */
export const stderrIoLogger: IoLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (message, context) => console.warn(JSON.stringify({ level: 'warn', message, ...context })),
  error: (message, context) => console.error(JSON.stringify({ level: 'error', message, ...context })),
};

export type KafkaLogLevel = 'nothing' | 'error' | 'warn' | 'info' | 'debug';

export const KAFKAJS_LOG_LEVELS: Record<KafkaLogLevel, logLevel> = {
  nothing: logLevel.NOTHING,
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
};

/**
 * kafkajs' Connection logs every error response at ERROR, including the ones its own callers handle
 * routinely (a rebalance, a coordinator that is loading or moved, a leader election). Those become
 * debug lines: a rebalance must not page anyone. Other error responses become warnings; whoever
 * finally fails reports the error.
 */
const ROUTINE_RESPONSE_ERRORS = [
  'The group is rebalancing',
  'The coordinator is loading',
  'The coordinator is not available',
  'This is not the correct coordinator',
  'There is no leader for this topic-partition',
  'This server is not the leader for that topic-partition',
  'The broker is not the leader',
];

export function kafkajsEntryLevel(entry: LogEntry): logLevel {
  const { namespace, level, log } = entry;
  if (level !== logLevel.ERROR || namespace !== 'Connection' || !log.message.startsWith('Response ')) return level;
  const error = typeof log['error'] === 'string' ? log['error'] : '';
  return ROUTINE_RESPONSE_ERRORS.some((text) => error.startsWith(text)) ? logLevel.DEBUG : logLevel.WARN;
}

/** Routes kafkajs' own log lines to an IoLogger, tagged with the kafkajs namespace. */
export function kafkajsLogCreator(logger: IoLogger): logCreator {
  return (configuredLevel) =>
    (entry: LogEntry) => {
      const level = kafkajsEntryLevel(entry);
      if (level > configuredLevel) return;
      const { message, timestamp: _timestamp, ...extra } = entry.log;
      const context = { component: `kafkajs.${entry.namespace}`, ...extra };
      if (level === logLevel.ERROR) logger.error(message, context);
      else if (level === logLevel.WARN) logger.warn(message, context);
      else if (level === logLevel.INFO) logger.info(message, context);
      else logger.debug(message, context);
    };
}
