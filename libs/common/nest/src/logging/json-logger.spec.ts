import { JsonLogger } from './json-logger';

describe('JsonLogger', () => {
  function capture(level: 'debug' | 'info' | 'warn' | 'error') {
    const lines: { line: string; isError: boolean }[] = [];
    const logger = new JsonLogger('test-service', level, (line, isError) => lines.push({ line, isError }));
    return { logger, lines };
  }

  it('writes one JSON object per line with service, component and fields', () => {
    const { logger, lines } = capture('info');
    logger.child('stage').info('batch done', { size: 3 });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!.line)).toMatchObject({ level: 'info', service: 'test-service', component: 'stage', message: 'batch done', size: 3 });
  });

  it('drops records below the configured level and sends warnings and errors to stderr', () => {
    const { logger, lines } = capture('warn');
    logger.child('x').info('hidden');
    logger.child('x').warn('shown');
    logger.child('x').error('also shown');
    expect(lines.map((entry) => [JSON.parse(entry.line).message, entry.isError])).toEqual([
      ['shown', true],
      ['also shown', true],
    ]);
  });

  it('serialises errors with their code and retriability', () => {
    const { logger, lines } = capture('debug');
    const error = Object.assign(new Error('down'), { code: 'KAFKA_UNAVAILABLE', retriable: true });
    logger.child('x').error('failed', { error });
    expect(JSON.parse(lines[0]!.line).error).toEqual({ name: 'Error', message: 'down', code: 'KAFKA_UNAVAILABLE', retriable: true });
  });
});
