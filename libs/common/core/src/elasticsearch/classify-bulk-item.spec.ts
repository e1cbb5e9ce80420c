import created from './__fixtures__/created.json';
import replayed from './__fixtures__/replayed.json';
import versionConflict from './__fixtures__/version-conflict.json';
import createCreated from './__fixtures__/create-created.json';
import createReplayed from './__fixtures__/create-replayed.json';
import mappingConflict from './__fixtures__/mapping-conflict.json';
import badDate from './__fixtures__/bad-date.json';
import malformedSource from './__fixtures__/malformed-source.json';
import fieldsLimit from './__fixtures__/fields-limit.json';
import strictDynamicMapping from './__fixtures__/strict-dynamic-mapping.json';
import emptyFieldName from './__fixtures__/empty-field-name.json';
import indexNotFound from './__fixtures__/index-not-found.json';
import writeBlock from './__fixtures__/write-block.json';
import floodStageBlock from './__fixtures__/flood-stage-block.json';
import indexClosed from './__fixtures__/index-closed.json';
import unavailableShards from './__fixtures__/unavailable-shards.json';
import { classifyBulkItem, MAX_REASON_LENGTH, type BulkItemOutcome, type BulkResponseItem } from './classify-bulk-item';

/** Real responses recorded from Elasticsearch 8.19 by __fixtures__/record-bulk-fixtures.sh. */
const RECORDED: Record<string, { items: BulkResponseItem[] }> = {
  'created': created,
  'replayed': replayed,
  'version-conflict': versionConflict,
  'create-created': createCreated,
  'create-replayed': createReplayed,
  'mapping-conflict': mappingConflict,
  'bad-date': badDate,
  'malformed-source': malformedSource,
  'fields-limit': fieldsLimit,
  'strict-dynamic-mapping': strictDynamicMapping,
  'empty-field-name': emptyFieldName,
  'index-not-found': indexNotFound,
  'write-block': writeBlock,
  'flood-stage-block': floodStageBlock,
  'index-closed': indexClosed,
  'unavailable-shards': unavailableShards,
};

function recordedItems(name: string): BulkResponseItem[] {
  const response = RECORDED[name];
  if (response === undefined) throw new Error(`no fixture ${name}`);
  return response.items;
}

describe('classifyBulkItem against recorded bulk responses', () => {
  it.each<[string, BulkItemOutcome[], (string | undefined)[]]>([
    ['created', ['ok', 'ok'], [undefined, undefined]],
    ['replayed', ['ok', 'ok'], [undefined, undefined]],
    ['version-conflict', ['ok', 'duplicate'], [undefined, 'version_conflict_engine_exception']],
    // data-stream mode sends `create`: a replay is already indexed, not a dead letter
    ['create-created', ['ok', 'ok'], [undefined, undefined]],
    ['create-replayed', ['duplicate', 'duplicate'], ['version_conflict_engine_exception', 'version_conflict_engine_exception']],
    ['mapping-conflict', ['dead-letter', 'ok'], ['document_parsing_exception', undefined]],
    ['bad-date', ['dead-letter'], ['document_parsing_exception']],
    ['malformed-source', ['dead-letter', 'ok'], ['document_parsing_exception', undefined]],
    ['fields-limit', ['dead-letter'], ['document_parsing_exception']],
    ['strict-dynamic-mapping', ['dead-letter'], ['strict_dynamic_mapping_exception']],
    ['empty-field-name', ['dead-letter'], ['document_parsing_exception']],
    ['index-not-found', ['dead-letter'], ['index_not_found_exception']],
    ['write-block', ['retry'], ['cluster_block_exception']],
    ['flood-stage-block', ['retry'], ['cluster_block_exception']],
    ['index-closed', ['retry'], ['index_closed_exception']],
    ['unavailable-shards', ['retry'], ['unavailable_shards_exception']],
  ])('%s → %j', (fixture, outcomes, errorTypes) => {
    const verdicts = recordedItems(fixture).map(classifyBulkItem);
    expect(verdicts.map((v) => v.outcome)).toEqual(outcomes);
    expect(verdicts.map((v) => v.errorType)).toEqual(errorTypes);
  });

  it('keeps the status, the reason and the innermost cause for the dead-letter headers', () => {
    const [verdict] = recordedItems('mapping-conflict').map(classifyBulkItem);
    expect(verdict).toEqual({
      outcome: 'dead-letter',
      status: 400,
      errorType: 'document_parsing_exception',
      errorReason: expect.stringContaining('failed to parse field [n] of type [long]'),
      causeType: 'illegal_argument_exception',
    });
    const [parse] = recordedItems('malformed-source').map(classifyBulkItem);
    expect(parse?.causeType).toBe('json_parse_exception');
  });
});

describe('classifyBulkItem, shapes not provoked locally', () => {
  // A full write queue needs a static thread-pool setting and a node restart; this is the shape
  // Elasticsearch documents for it.
  it('retries a full write queue (429 es_rejected_execution_exception)', () => {
    expect(
      classifyBulkItem({ index: { status: 429, error: { type: 'es_rejected_execution_exception', reason: 'rejected execution of …' } } }).outcome,
    ).toBe('retry');
  });

  it.each([500, 502, 503, 504])('retries any %i', (status) => {
    expect(classifyBulkItem({ index: { status, error: { type: 'whatever', reason: 'x' } } }).outcome).toBe('retry');
  });

  it('retries an item without a status rather than dropping it', () => {
    expect(classifyBulkItem({ index: {} }).outcome).toBe('retry');
    expect(classifyBulkItem({}).outcome).toBe('retry');
  });

  it('dead-letters other 4xx', () => {
    expect(classifyBulkItem({ index: { status: 400, error: { type: 'illegal_argument_exception', reason: 'x' } } }).outcome).toBe('dead-letter');
    expect(classifyBulkItem({ index: { status: 413, error: 'too large' } })).toMatchObject({ outcome: 'dead-letter', errorType: 'unknown' });
  });

  it('does not treat a 409 that is not a version conflict as done', () => {
    expect(classifyBulkItem({ index: { status: 409, error: { type: 'other', reason: 'x' } } }).outcome).toBe('dead-letter');
    expect(classifyBulkItem({ create: { status: 409, error: { type: 'other', reason: 'x' } } }).outcome).toBe('dead-letter');
  });

  it('reads a version conflict as a duplicate only on create; on index (never sent) it stays ok', () => {
    const conflict = { status: 409, error: { type: 'version_conflict_engine_exception', reason: 'x' } };
    expect(classifyBulkItem({ create: conflict }).outcome).toBe('duplicate');
    expect(classifyBulkItem({ index: conflict }).outcome).toBe('ok');
  });

  it('truncates long reasons', () => {
    const verdict = classifyBulkItem({ index: { status: 400, error: { type: 't', reason: 'r'.repeat(5000) } } });
    expect(verdict.errorReason).toHaveLength(MAX_REASON_LENGTH);
  });
});
