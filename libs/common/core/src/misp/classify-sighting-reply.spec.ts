import { classifySightingReply } from './classify-sighting-reply';

const reply = (status: number, body: unknown) => ({ kind: 'reply' as const, status, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('classifySightingReply', () => {
  it.each([
    // shaped as MISP's RestResponse::saveSuccessResponse for a Sighting add (not a recorded reply)
    [reply(200, { saved: true, success: true, name: '1 sighting successfuly added.', message: '1 sighting successfuly added.', url: '/sightings/add' }), { kind: 'added', message: '1 sighting successfuly added.' }],
    // as saveFailResponse answers: 403 with saved false
    [
      reply(403, { saved: false, name: 'Could not add Sighting', message: 'Could not add Sighting', url: '/sightings/add', errors: 'No valid attributes found that match the criteria.' }),
      { kind: 'refused', reason: 'not_found', detail: 'No valid attributes found that match the criteria.' },
    ],
    [reply(403, { saved: false, name: 'Could not add Sighting', errors: 'Invalid type, please change it before you POST 1000000 sightings.' }), { kind: 'refused', reason: 'invalid', detail: 'Invalid type, please change it before you POST 1000000 sightings.' }],
    // the key's fault: no `saved`
    [reply(403, { name: 'Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header.', message: 'Authentication failed.', url: '/sightings/add' }), { kind: 'failed', code: 'MISP_AUTH', status: 403, detail: 'Authentication failed.' }],
    [reply(503, 'maintenance'), { kind: 'failed', code: 'MISP_UNAVAILABLE', status: 503, detail: 'maintenance' }],
    [{ kind: 'transport' as const, errorCode: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, { kind: 'failed', code: 'MISP_UNAVAILABLE', detail: 'ECONNREFUSED: connect ECONNREFUSED' }],
    [reply(404, { name: 'Not Found', message: 'Not Found', url: '/sightings/add' }), { kind: 'failed', code: 'MISP_REJECTED', status: 404, detail: 'Not Found' }],
  ])('%#', (exchange, expected) => {
    expect(classifySightingReply(exchange)).toEqual(expected);
  });
});
