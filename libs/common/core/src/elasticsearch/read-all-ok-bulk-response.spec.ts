import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { readAllOkBulkResponse } from './read-all-ok-bulk-response';

/** Elasticsearch's answers recorded by __fixtures__/record-bulk-fixtures.sh (whole, pretty-printed). */
const FIXTURES = path.join(__dirname, '__fixtures__');
const recorded = readdirSync(FIXTURES)
  .filter((name) => name.endsWith('.json'))
  .map((name) => [name, JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as { errors: boolean; took: number; items?: Record<string, Record<string, unknown>>[] }] as const)
  // answers with items (the others refused the request as a whole: an error status, never deserialised as a bulk result)
  .flatMap(([name, response]) => (response.items === undefined ? [] : [[name, { ...response, items: response.items }] as const]));

/** What `filter_path=took,errors,items.*.status,items.*.error` leaves of a response, written as Elasticsearch writes it. */
function filtered(response: { errors: boolean; took: number; items: Record<string, Record<string, unknown>>[] }): string {
  const items = response.items.map((item) =>
    Object.fromEntries(Object.entries(item).map(([action, result]) => [action, { status: result['status'], ...(result['error'] === undefined ? {} : { error: result['error'] }) }])),
  );
  return JSON.stringify({ errors: response.errors, took: response.took, items });
}

describe('readAllOkBulkResponse', () => {
  it('reads the filtered all-ok answer as JSON.parse does, with one shared item per action and status', () => {
    const text = '{"errors":false,"took":12,"items":[{"index":{"status":201}},{"index":{"status":200}},{"create":{"status":201}},{"index":{"status":201}}]}';
    const read = readAllOkBulkResponse(text);
    expect(read).toEqual(JSON.parse(text));
    expect(read?.items[0]).toBe(read?.items[3]);
    expect(Object.isFrozen(read?.items[0])).toBe(true);
  });

  it('reads an answer with no items', () => {
    expect(readAllOkBulkResponse('{"errors":false,"took":0,"items":[]}')).toEqual({ errors: false, took: 0, items: [] });
  });

  it('has recorded answers to read', () => {
    expect(recorded.length).toBeGreaterThan(10);
  });

  it.each(recorded)('reads the recorded %s, filtered, only when no item failed', (_name, response) => {
    const text = filtered(response);
    const allOk = !response.errors && response.items.every((item) => Object.values(item).every((result) => result['error'] === undefined));
    if (allOk) expect(readAllOkBulkResponse(text)).toEqual(JSON.parse(text));
    else expect(readAllOkBulkResponse(text)).toBeUndefined();
    // the whole, pretty-printed answer is not the filtered form: left to JSON.parse
    expect(readAllOkBulkResponse(JSON.stringify(response, null, 2))).toBeUndefined();
  });

  it.each([
    ['errors', '{"errors":true,"took":1,"items":[{"index":{"status":201}}]}'],
    ['a failed item', '{"errors":false,"took":1,"items":[{"index":{"status":429,"error":{"type":"es_rejected_execution_exception"}}}]}'],
    ['a status outside 2xx', '{"errors":false,"took":1,"items":[{"index":{"status":409}}]}'],
    ['another action', '{"errors":false,"took":1,"items":[{"update":{"status":200}}]}'],
    ['keys in another order', '{"took":1,"errors":false,"items":[{"index":{"status":201}}]}'],
    ['white space', '{"errors":false,"took":1,"items":[ {"index":{"status":201}}]}'],
    ['a leading zero', '{"errors":false,"took":01,"items":[]}'],
    ['trailing bytes', '{"errors":false,"took":1,"items":[]} '],
    ['a trailing comma', '{"errors":false,"took":1,"items":[{"index":{"status":201}},]}'],
    ['no items', '{"errors":false,"took":1}'],
  ])('leaves an answer with %s to JSON.parse', (_case, text) => {
    expect(readAllOkBulkResponse(text)).toBeUndefined();
  });

  it('answers what JSON.parse answers, or leaves the text to it (generated and mutated answers)', () => {
    const item = fc.record({ action: fc.constantFrom('index', 'create', 'update'), status: fc.integer({ min: 100, max: 599 }), error: fc.option(fc.constant({ type: 'x' }), { nil: undefined }) });
    const answer = fc
      .tuple(fc.boolean(), fc.nat(1_000_000), fc.array(item, { maxLength: 8 }))
      .map(([errors, took, items]) => JSON.stringify({ errors, took, items: items.map(({ action, status, error }) => ({ [action]: error === undefined ? { status } : { status, error } })) }));
    const mutated = fc.tuple(answer, fc.nat(), fc.constantFrom('', ' ', ',', ']', '}', '0', '"', 'x')).map(([text, at, char]) => {
      const i = at % text.length;
      return text.slice(0, i) + char + text.slice(i + 1);
    });
    let read = 0;
    fc.assert(
      fc.property(fc.oneof(answer, mutated), (text) => {
        const result = readAllOkBulkResponse(text);
        if (result === undefined) return;
        read += 1;
        expect(result).toEqual(JSON.parse(text));
      }),
      { seed: 14_151, numRuns: 20_000 },
    );
    expect(read).toBeGreaterThan(500);
  });
});
