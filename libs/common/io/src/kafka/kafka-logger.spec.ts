import { type LogEntry, logLevel } from 'kafkajs';
import { type IoLogger, kafkajsEntryLevel, kafkajsLogCreator } from './kafka-logger';

const entry = (namespace: string, level: logLevel, message: string, extra: Record<string, unknown> = {}): LogEntry => ({
  namespace,
  level,
  label: logLevel[level],
  log: { timestamp: '2025-01-01T00:00:00.000Z', message, ...extra },
});

describe('kafkajsEntryLevel', () => {
  it('turns routine error responses (rebalance, coordinator moves) into debug lines', () => {
    const rebalance = entry('Connection', logLevel.ERROR, 'Response Heartbeat(key: 12, version: 3)', {
      error: 'The group is rebalancing, so a rejoin is needed',
    });
    expect(kafkajsEntryLevel(rebalance)).toBe(logLevel.DEBUG);
  });

  it('turns other error responses into warnings and leaves everything else alone', () => {
    const denied = entry('Connection', logLevel.ERROR, 'Response Produce(key: 0, version: 7)', {
      error: 'Not authorized to access topics: [Topic authorization failed]',
    });
    expect(kafkajsEntryLevel(denied)).toBe(logLevel.WARN);
    expect(kafkajsEntryLevel(entry('Runner', logLevel.ERROR, 'Error when calling eachBatch'))).toBe(logLevel.ERROR);
    expect(kafkajsEntryLevel(entry('Consumer', logLevel.INFO, 'Starting'))).toBe(logLevel.INFO);
  });
});

describe('kafkajsLogCreator', () => {
  it('routes to the IoLogger with the kafkajs namespace and drops lines below the configured level', () => {
    const lines: [string, string, Record<string, unknown> | undefined][] = [];
    const record =
      (level: string) =>
      (message: string, context?: Record<string, unknown>): void => {
        lines.push([level, message, context]);
      };
    const logger: IoLogger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
    const log = kafkajsLogCreator(logger)(logLevel.WARN);
    log(entry('Connection', logLevel.ERROR, 'Response Heartbeat', { error: 'The group is rebalancing' }));
    log(entry('Runner', logLevel.ERROR, 'Error when calling eachBatch', { groupId: 'g' }));
    expect(lines).toEqual([['error', 'Error when calling eachBatch', { component: 'kafkajs.Runner', groupId: 'g' }]]);
  });
});
