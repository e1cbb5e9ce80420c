import { isIoError } from '../io-error';
import { resolveElasticsearchOptions } from './elasticsearch-options';

describe('resolveElasticsearchOptions', () => {
  it('fills defaults: certificates verified, 30 s request timeout', () => {
    expect(resolveElasticsearchOptions({ url: 'http://127.0.0.1:9200' })).toEqual({
      url: 'http://127.0.0.1:9200',
      rejectUnauthorized: true,
      requestTimeoutMs: 30000,
    });
  });

  it('accepts an API key or basic auth', () => {
    expect(resolveElasticsearchOptions({ url: 'https://es:9200', apiKey: 'k' }).apiKey).toBe('k');
    expect(resolveElasticsearchOptions({ url: 'https://es:9200', username: 'u', password: 'p' }).username).toBe('u');
  });

  it.each([
    [{ url: 'es:9200' }, 'url'],
    [{ url: 'ftp://es:9200' }, 'url'],
    [{ url: 'http://es:9200', requestTimeoutMs: 0 }, 'requestTimeoutMs'],
    [{ url: 'http://es:9200', apiKey: 'k', username: 'u', password: 'p' }, 'not both'],
    [{ url: 'http://es:9200', username: 'u' }, 'go together'],
  ])('rejects %j', (options, problem) => {
    expect(() => resolveElasticsearchOptions(options)).toThrow(problem);
  });

  it('refuses credentials in the url without quoting them', () => {
    try {
      resolveElasticsearchOptions({ url: 'http://elastic:s3cret@es:9200' });
      throw new Error('accepted');
    } catch (error) {
      expect(isIoError(error, 'INVALID_CONFIG')).toBe(true);
      expect(String(error)).not.toContain('s3cret');
    }
  });

  it('never quotes a secret in its error', () => {
    expect(() => resolveElasticsearchOptions({ url: 'nope', password: 'hunter2', username: 'u' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
  });
});
