import { DEFAULT_LOGS_TARGET, bulkActionFor, indexTargetOf, indexTargetProblem, targetIndexFor, targetIndexTemplate, type IndexTarget } from './index-target';
import { indexTemplate } from './index-template';

const daily: IndexTarget = { kind: 'daily', prefix: 'iocflow-logs' };
const stream: IndexTarget = { kind: 'data-stream', name: 'logs-iocflow-default' };
const record = Date.UTC(2025, 5, 1);
const now = Date.UTC(2026, 0, 1);

describe('targetIndexFor', () => {
  it.each<[string, IndexTarget, unknown, unknown, string | undefined]>([
    ['daily: the day of @timestamp', daily, '2026-03-04T23:59:59Z', record, 'iocflow-logs-2026.03.04'],
    ['daily: no @timestamp → the record day', daily, undefined, record, 'iocflow-logs-2025.06.01'],
    ['daily: neither → now', daily, 'yesterday', -1, 'iocflow-logs-2026.01.01'],
    ['data stream: the stream, whatever the day', stream, '2026-03-04T23:59:59Z', record, 'logs-iocflow-default'],
    ['data stream: epoch milliseconds', stream, 1772600767000, record, 'logs-iocflow-default'],
    ['data stream: no @timestamp → none (the record time is not used)', stream, undefined, record, undefined],
    ['data stream: unreadable @timestamp → none', stream, 'yesterday', record, undefined],
  ])('%s', (_, target, eventTimestamp, recordTimestamp, expected) => {
    expect(targetIndexFor(target, eventTimestamp, recordTimestamp, now)).toBe(expected);
  });
});

describe('bulkActionFor', () => {
  it('indexes into daily indices and creates in a data stream (the only action it takes)', () => {
    expect(bulkActionFor(daily)).toBe('index');
    expect(bulkActionFor(stream)).toBe('create');
  });
});

describe('targetIndexTemplate', () => {
  it('daily: the same template as before, matching <prefix>-*', () => {
    const { name, body } = targetIndexTemplate(daily, { numberOfShards: 2, numberOfReplicas: 1 });
    expect(name).toBe('iocflow-logs-template');
    expect(body).toEqual(indexTemplate({ indexPrefix: 'iocflow-logs', numberOfShards: 2, numberOfReplicas: 1 }));
    expect(body['index_patterns']).toEqual(['iocflow-logs-*']);
    expect(body).not.toHaveProperty('data_stream');
  });

  it('data stream: matches the stream only, carries data_stream {}, same settings and mappings', () => {
    const { name, body } = targetIndexTemplate(stream, { numberOfShards: 2, numberOfReplicas: 1 });
    expect(name).toBe('logs-iocflow-default-template');
    expect(body['index_patterns']).toEqual(['logs-iocflow-default']);
    expect(body['data_stream']).toEqual({});
    const dailyBody = targetIndexTemplate(daily, { numberOfShards: 2, numberOfReplicas: 1 }).body;
    expect(body['template']).toEqual(dailyBody['template']);
    expect(body['priority']).toBe(dailyBody['priority']);
    expect(body['version']).toBe(dailyBody['version']);
  });
});

describe('indexTargetProblem and indexTargetOf', () => {
  it('accept the defaults of each mode and build their targets', () => {
    expect(indexTargetProblem('daily', DEFAULT_LOGS_TARGET.daily)).toBeUndefined();
    expect(indexTargetProblem('data-stream', DEFAULT_LOGS_TARGET['data-stream'])).toBeUndefined();
    expect(indexTargetOf('daily', 'iocflow-logs')).toEqual({ kind: 'daily', prefix: 'iocflow-logs' });
    expect(indexTargetOf('data-stream', 'logs-iocflow-default')).toEqual({ kind: 'data-stream', name: 'logs-iocflow-default' });
  });

  it("judge a name by its mode's rules, in one line naming the mode", () => {
    expect(indexTargetProblem('daily', 'Upper')).toMatch(/^with ELASTICSEARCH_INDEX_MODE=daily, /);
    expect(indexTargetProblem('daily', 'logs/../x')).toMatch(/^with ELASTICSEARCH_INDEX_MODE=daily, /);
    expect(indexTargetProblem('data-stream', '-starts-with-dash')).toMatch(/^with ELASTICSEARCH_INDEX_MODE=data-stream, /);
  });
});
