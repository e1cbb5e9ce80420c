import { IO_ERROR_CODES, IoError, isIoError } from './io-error';

describe('IoError', () => {
  it('carries its code, says whether a retry can help, and prefixes the message with the code', () => {
    const error = new IoError('MEMCACHED_UNAVAILABLE', 'connection refused', { cause: new Error('ECONNREFUSED') });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'IoError', code: 'MEMCACHED_UNAVAILABLE', retriable: true });
    expect(error.message).toBe('MEMCACHED_UNAVAILABLE: connection refused');
    expect(new IoError('INVALID_KEY', 'x').retriable).toBe(false);
  });

  it('marks only outages and timeouts retriable', () => {
    const retriable = Object.entries(IO_ERROR_CODES).filter(([, r]) => r).map(([code]) => code);
    expect(retriable).toEqual(expect.arrayContaining(['MEMCACHED_UNAVAILABLE', 'MEMCACHED_TIMEOUT', 'KAFKA_UNAVAILABLE']));
    for (const code of ['MEMCACHED_PROTOCOL', 'INVALID_KEY', 'INVALID_CONFIG', 'KAFKA_REJECTED', 'CLOSED'] as const) {
      expect(IO_ERROR_CODES[code]).toBe(false);
    }
  });

  it('isIoError narrows by code', () => {
    const error: unknown = new IoError('CLOSED', 'closed');
    expect(isIoError(error)).toBe(true);
    expect(isIoError(error, 'CLOSED')).toBe(true);
    expect(isIoError(error, 'INVALID_KEY')).toBe(false);
    expect(isIoError(new Error('CLOSED'))).toBe(false);
  });
});
