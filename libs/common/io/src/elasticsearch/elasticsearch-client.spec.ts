import { errors } from '@elastic/elasticsearch';
import { toIoError } from './elasticsearch-client';

// The shapes the transport builds; the real-cluster behaviour is in test/integration.
const response = (statusCode: number, body: unknown) =>
  new errors.ResponseError({ body, statusCode, headers: {}, warnings: null, meta: {} as never });

describe('toIoError', () => {
  it.each([429, 500, 502, 503, 504, 408])('HTTP %i is retriable', (status) => {
    const error = toIoError('bulk', response(status, { error: { type: 't', reason: 'r' } }));
    expect(error).toMatchObject({ code: 'ELASTICSEARCH_UNAVAILABLE', retriable: true });
  });

  it.each([400, 401, 403, 404, 413])('HTTP %i is not', (status) => {
    const error = toIoError('bulk', response(status, { error: { type: 'action_request_validation_exception', reason: 'id is too long' } }));
    expect(error).toMatchObject({ code: 'ELASTICSEARCH_REJECTED', retriable: false });
    expect(error.message).toContain(`HTTP ${status} action_request_validation_exception: id is too long`);
  });

  it('connection loss and timeouts are retriable', () => {
    expect(toIoError('bulk', new errors.ConnectionError('connect ECONNREFUSED')).retriable).toBe(true);
    expect(toIoError('bulk', new errors.TimeoutError('Request timed out')).retriable).toBe(true);
    expect(toIoError('bulk', new errors.NoLivingConnectionsError('none', {} as never)).retriable).toBe(true);
  });

  it('anything unknown is not', () => {
    expect(toIoError('bulk', new TypeError('x'))).toMatchObject({ code: 'ELASTICSEARCH_REJECTED', retriable: false });
  });
});
