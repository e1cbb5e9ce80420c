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

/** Routes kafkajs' own log lines to an IoLogger, tagged with the kafkajs namespace. */
export function kafkajsLogCreator(logger: IoLogger): logCreator {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, timestamp: _timestamp, ...extra } = log;
      const context = { component: `kafkajs.${namespace}`, ...extra };
      if (level === logLevel.ERROR) logger.error(message, context);
      else if (level === logLevel.WARN) logger.warn(message, context);
      else if (level === logLevel.INFO) logger.info(message, context);
      else logger.debug(message, context);
    };
}
