import type { LoggerService } from '@nestjs/common';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Readonly<Record<string, unknown>>;

/**
 * One JSON object per line on stdout (errors on stderr), the shape log shippers expect.
 * Also serves as NestJS's logger so framework messages share the format.
 * Hot paths must not log per event: use counters, and `RateLimitedLog` for repeated errors.
 */
export class JsonLogger implements LoggerService {
  private readonly minRank: number;

  constructor(
    private readonly service: string,
    level: LogLevel = 'info',
    private readonly write: (line: string, isError: boolean) => void = defaultWrite,
  ) {
    this.minRank = RANK[level];
  }

  child(component: string): ComponentLogger {
    return new ComponentLogger(this, component);
  }

  emit(level: LogLevel, message: string, fields: LogFields = {}): void {
    if (RANK[level] < this.minRank) return;
    const record = { time: new Date().toISOString(), level, service: this.service, message, ...fields };
    this.write(JSON.stringify(record, errorReplacer), level === 'error' || level === 'warn');
  }

  log(message: unknown, context?: string): void {
    this.emit('info', String(message), context ? { component: context } : {});
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.emit('error', String(message), { ...(context ? { component: context } : {}), ...(trace ? { trace } : {}) });
  }
  warn(message: unknown, context?: string): void {
    this.emit('warn', String(message), context ? { component: context } : {});
  }
  debug(message: unknown, context?: string): void {
    this.emit('debug', String(message), context ? { component: context } : {});
  }
  verbose(message: unknown, context?: string): void {
    this.debug(message, context);
  }
}

/** A logger bound to one component (a pipeline stage, a client owner). */
export class ComponentLogger {
  constructor(
    private readonly root: JsonLogger,
    private readonly component: string,
  ) {}

  debug(message: string, fields?: LogFields): void {
    this.root.emit('debug', message, { component: this.component, ...fields });
  }
  info(message: string, fields?: LogFields): void {
    this.root.emit('info', message, { component: this.component, ...fields });
  }
  warn(message: string, fields?: LogFields): void {
    this.root.emit('warn', message, { component: this.component, ...fields });
  }
  error(message: string, fields?: LogFields): void {
    this.root.emit('error', message, { component: this.component, ...fields });
  }
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const { code, retriable } = value as Error & { code?: unknown; retriable?: unknown };
    return { name: value.name, message: value.message, ...(code === undefined ? {} : { code }), ...(retriable === undefined ? {} : { retriable }) };
  }
  return typeof value === 'bigint' ? value.toString() : value;
}

function defaultWrite(line: string, isError: boolean): void {
  (isError ? process.stderr : process.stdout).write(`${line}\n`);
}
