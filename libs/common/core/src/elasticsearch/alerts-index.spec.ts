import { buildThreatHit } from '../threat-hit';
import { alertDocument, alertsIndexTemplate } from './alerts-index';

const hit = buildThreatHit({
  mode: 'retrospective',
  document: { index: 'iocflow-logs-2026.12.01', id: 'raw-logs-0-7' },
  eventTimestamp: '2026-12-01T23:59:59Z',
  match: { field: 'destination.domain', atomic: 'evil.com', kind: 'domain', indicator: 'evil.com', feeds: ['Feed-A'] },
  atMs: Date.parse('2026-12-03T07:00:00Z'),
});

describe('alertsIndexTemplate', () => {
  it('matches the daily alert indices, or exactly the data stream', () => {
    expect(alertsIndexTemplate({ kind: 'daily', prefix: 'iocflow-alerts' })).toMatchObject({ name: 'iocflow-alerts-template', body: { index_patterns: ['iocflow-alerts-*'] } });
    const stream = alertsIndexTemplate({ kind: 'data-stream', name: 'iocflow-alerts-default' });
    expect(stream).toMatchObject({ name: 'iocflow-alerts-default-template', body: { index_patterns: ['iocflow-alerts-default'], data_stream: {} } });
  });
});

describe('alertDocument', () => {
  it('is the hit at its key, in the daily index of the event time, so a replay on another day lands on the same document', () => {
    expect(alertDocument({ kind: 'daily', prefix: 'iocflow-alerts' }, hit)).toEqual({ index: 'iocflow-alerts-2026.12.01', id: hit.iocflow.hit.id, source: JSON.stringify(hit), action: 'index' });
  });

  it('is created in a data stream (a replay answers 409)', () => {
    expect(alertDocument({ kind: 'data-stream', name: 'iocflow-alerts-default' }, hit)).toMatchObject({ index: 'iocflow-alerts-default', action: 'create' });
  });
});
