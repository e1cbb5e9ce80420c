import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseAttributeSearchEnvelope } from './parse-attribute-search-envelope';

/** The repository's test fixtures (test/fixtures/SOURCES.md). */
const fixtures = path.resolve(__dirname, '../../../../..', 'test', 'fixtures');
const readJson = (relative: string): unknown => JSON.parse(readFileSync(path.join(fixtures, relative), 'utf8'));
const recordedSearch = readJson('demisto-content/Packs/MISP/Integrations/MISPV3/test_data/reputation_command_response.json');

describe('parseAttributeSearchEnvelope', () => {
  it('reads the documented {"response":{"Attribute":[…]}} envelope', () => {
    const result = parseAttributeSearchEnvelope({ response: recordedSearch });
    expect(result).toMatchObject({ ok: true, items: { length: 3 } });
  });

  it('reads the unwrapped {"Attribute":[…]} body PyMISP hands back', () => {
    expect(parseAttributeSearchEnvelope(recordedSearch)).toMatchObject({ ok: true, items: { length: 3 } });
  });

  it.each([[{ response: [] }], [{ response: {} }], [{ response: { Attribute: [] } }]])('reads an empty search %j', (json) => {
    expect(parseAttributeSearchEnvelope(json)).toEqual({ ok: true, items: [] });
  });

  it('rejects an events-search reply (a non-empty response list)', () => {
    const events = readJson('pymisp/tests/mispevent_testfiles/malware_exist.json');
    expect(parseAttributeSearchEnvelope(events)).toEqual({ ok: false, reason: 'response is a non-empty list (an events search?)' });
  });

  it.each([
    [null, 'reply is not a JSON object'],
    [[1, 2], 'reply is not a JSON object'],
    [{ response: 'x' }, 'response is not an object'],
    [{ response: { Attribute: {} } }, 'response.Attribute is not a list'],
    [{ name: 'Not Found', message: 'Not Found', url: '/x' }, 'response.Attribute is not a list'],
  ])('rejects %j', (json, reason) => {
    expect(parseAttributeSearchEnvelope(json)).toEqual({ ok: false, reason });
  });
});
