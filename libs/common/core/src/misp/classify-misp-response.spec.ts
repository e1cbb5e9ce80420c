import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { classifyMispResponse, type MispExchange } from './classify-misp-response';
import { MISP_ERROR_CODES } from './misp-error';

/** The repository's test fixtures (test/fixtures/SOURCES.md). */
const fixtures = path.resolve(__dirname, '../../../../..', 'test', 'fixtures');
const recordedSearch = readFileSync(
  path.join(fixtures, 'demisto-content/Packs/MISP/Integrations/MISPV3/test_data/search_attribute_by_type.json'),
  'utf8',
);
// MISP's own error body for a bad key, as documented in its OpenAPI spec (UnauthorizedApiError).
const authFailed = JSON.stringify({
  name: 'Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header.',
  message: 'Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header.',
  url: '/attributes/restSearch',
});
const reply = (status: number, body: string): MispExchange => ({ kind: 'reply', status, body });

describe('classifyMispResponse', () => {
  it('passes a recorded 200 search body through as JSON', () => {
    const result = classifyMispResponse(reply(200, `{"response":${recordedSearch}}`));
    expect(result.ok).toBe(true);
  });

  it.each([
    ['403 bad key', reply(403, authFailed), 'MISP_AUTH', false],
    ['401 no key', reply(401, authFailed), 'MISP_AUTH', false],
    ['302 to the login page', reply(302, ''), 'MISP_AUTH', false],
    ['500 MISP error', reply(500, '{"name":"An Internal Error Has Occurred.","message":"An Internal Error Has Occurred.","url":"/attributes/restSearch"}'), 'MISP_UNAVAILABLE', true],
    ['502 proxy page', reply(502, '<html><body>Bad Gateway</body></html>'), 'MISP_UNAVAILABLE', true],
    ['503', reply(503, ''), 'MISP_UNAVAILABLE', true],
    ['429 rate limit', reply(429, ''), 'MISP_UNAVAILABLE', true],
    ['400 bad filter', reply(400, '{"name":"Invalid return format.","message":"Invalid return format.","url":"/attributes/restSearch"}'), 'MISP_REJECTED', false],
    ['404 unknown endpoint', reply(404, '{"name":"Not Found","message":"Not Found","url":"/attributes/restSerch"}'), 'MISP_REJECTED', false],
    ['200 truncated JSON', reply(200, recordedSearch.slice(0, 300)), 'MISP_BAD_RESPONSE', true],
    ['200 HTML', reply(200, '<!DOCTYPE html><html>login</html>'), 'MISP_BAD_RESPONSE', true],
    ['connection refused', { kind: 'transport', errorCode: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' }, 'MISP_UNAVAILABLE', true],
    ['timeout', { kind: 'transport', errorCode: 'TIMEOUT', message: 'no reply within 100 ms' }, 'MISP_UNAVAILABLE', true],
    ['TLS failure', { kind: 'transport', errorCode: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', message: 'unable to verify the first certificate' }, 'MISP_UNAVAILABLE', true],
  ] as const)('%s → %s (retriable %s)', (_label, exchange, code, retriable) => {
    const result = classifyMispResponse(exchange);
    expect(result).toMatchObject({ ok: false, code });
    if (!result.ok) expect(MISP_ERROR_CODES[result.code]).toBe(retriable);
  });

  it("quotes MISP's own error message, not the whole body", () => {
    const result = classifyMispResponse(reply(403, authFailed));
    expect(result).toMatchObject({ detail: expect.stringMatching(/^Authentication failed/) });
  });
});
