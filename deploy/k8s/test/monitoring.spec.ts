import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { groupingLabels, readAppMetricLabels, readAppMetricNames, readMetricNamesOf, referencedMetrics } from './app-metric-names';
import { arr, dig, num, obj, str, type Json } from './k8s-objects';
import { K8S_DIR, REPO_ROOT } from './k8s-tools';

/**
 * Alerts and the dashboard may only query metrics the services really expose (a renamed metric
 * would otherwise leave an alert that can never fire) and group only by labels those metrics or the
 * scrape target carry (a dropped label would fold every series into one), and every alert's
 * runbook link must land on a section of docs/operations.md.
 */
const metrics = readAppMetricNames(REPO_ROOT);
const labels = readAppMetricLabels(REPO_ROOT);
/** Labels Prometheus adds from the scrape target (the Kubernetes service discovery). */
const TARGET_LABELS = new Set(['namespace', 'pod', 'service', 'job', 'instance', 'container']);

/** Labels an expression groups by that neither its metrics nor the scrape target carry (a typo, or a label the code dropped). */
function unknownGroupingLabels(expression: string): string[] {
  const carried = new Set([...TARGET_LABELS, ...referencedMetrics(expression).flatMap((metric) => [...(labels.get(metric) ?? [])])]);
  return groupingLabels(expression).filter((label) => !carried.has(label));
}
const rule = parse(readFileSync(path.join(K8S_DIR, 'components', 'prometheus-operator', 'prometheus-rule.yaml'), 'utf8')) as Json;
const alerts = arr(dig(rule, 'spec', 'groups')).flatMap((group) => arr(dig(group, 'rules')));
const operations = readFileSync(path.join(REPO_ROOT, 'docs', 'operations.md'), 'utf8');
const anchors = new Set([...operations.matchAll(/^#{2,4} (.+)$/gm)].map((match) => (match[1] ?? '').toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-')));
const dashboard = JSON.parse(readFileSync(path.join(REPO_ROOT, 'deploy', 'grafana', 'iocflow.json'), 'utf8')) as Json;
const panels = arr(dig(dashboard, 'panels'));
const targets = panels.flatMap((panel) => arr(dig(panel, 'targets')).map((target) => ({ panel: str(dig(panel, 'title')) ?? '', target: obj(target) })));

describe('the services expose metrics', () => {
  it('found in apps/*/src (the extraction works)', () => {
    expect(metrics.has('iocflow_enricher_events_in_total')).toBe(true);
    expect(metrics.has('iocflow_indexer_bulk_duration_seconds_bucket')).toBe(true);
    expect(metrics.has('iocflow_misp_sync_last_success_timestamp_seconds')).toBe(true);
    expect(labels.get('iocflow_indexer_bulk_duration_seconds_bucket')).toEqual(new Set(['outcome', 'le']));
    expect(labels.get('iocflow_enricher_events_in_total')).toEqual(new Set());
  });

  // Issue 13: a counter of records given up says which stage gave them up (docs/architecture.md, "Stage names").
  it.each(['iocflow_enricher_dead_letters_total', 'iocflow_indexer_dead_lettered_documents_total', 'iocflow_misp_sync_attributes_skipped_total'])('%s is labelled by stage and reason', (metric) => {
    expect([...(labels.get(metric) ?? [])]).toEqual(expect.arrayContaining(['stage', 'reason']));
  });

  // Issue 13: misp-sync's were misp_sync_*, the others iocflow_*.
  it.each(['enricher', 'indexer', 'misp-sync', 'hunter'])('%s: every metric is named iocflow_<service>_…', (app) => {
    const names = [...readMetricNamesOf(REPO_ROOT, app)];
    expect(names.length).toBeGreaterThan(5);
    expect(names.filter((name) => !name.startsWith(`iocflow_${app.replace(/-/g, '_')}_`))).toEqual([]);
  });
});

describe('PrometheusRule iocflow', () => {
  it('has alerts', () => {
    expect(alerts.length).toBeGreaterThanOrEqual(6);
  });

  it.each(alerts.map((alert) => [str(dig(alert, 'alert')) ?? '', alert] as const))('%s queries only exposed metrics, has a severity and a runbook in docs/operations.md', (name, alert) => {
    const expression = str(dig(alert, 'expr')) ?? '';
    expect(referencedMetrics(expression).length).toBeGreaterThan(0);
    expect(referencedMetrics(expression).filter((metric) => !metrics.has(metric))).toEqual([]);
    expect(['warning', 'critical']).toContain(str(dig(alert, 'labels', 'severity')));
    expect(str(dig(alert, 'annotations', 'runbook'))).toBe(`docs/operations.md#${name.toLowerCase()}`);
    expect(anchors.has(name.toLowerCase())).toBe(true);
    expect(unknownGroupingLabels(expression)).toEqual([]);
  });

  it('every service has an alert on what it fails to do', () => {
    const queried = new Set(alerts.flatMap((alert) => referencedMetrics(str(dig(alert, 'expr')) ?? '')));
    for (const app of ['enricher', 'indexer', 'misp_sync', 'hunter']) {
      expect([app, [...queried].some((metric) => metric.startsWith(`iocflow_${app}_`))]).toEqual([app, true]);
    }
  });

  it('groups dead letters by the stage that gave them up and the reason', () => {
    for (const name of ['IocflowEnricherDeadLetters', 'IocflowIndexerDeadLetters']) {
      const alert = alerts.find((candidate) => str(dig(candidate, 'alert')) === name);
      expect(groupingLabels(str(dig(alert, 'expr')) ?? '')).toEqual(expect.arrayContaining(['stage', 'reason']));
    }
  });
});

describe('Grafana dashboard deploy/grafana/iocflow.json', () => {
  it('queries only exposed metrics, through the datasource variable', () => {
    const problems = targets.flatMap(({ panel, target }) => {
      const expression = str(target['expr']) ?? '';
      const unknown = referencedMetrics(expression).filter((metric) => !metrics.has(metric));
      return [
        ...unknown.map((metric) => `${panel}: ${metric} is not exposed by any service`),
        ...(str(dig(target, 'datasource', 'uid')) === '${datasource}' ? [] : [`${panel}: target datasource is not \${datasource}`]),
        ...(referencedMetrics(expression).length === 0 ? [`${panel}: queries none of our metrics`] : []),
        ...unknownGroupingLabels(expression).map((label) => `${panel}: groups by ${label}, a label its metrics do not carry`),
      ];
    });
    expect(problems).toEqual([]);
  });

  it('shows throughput, lag, hits by feed, dead letters and indicator staleness', () => {
    const queried = new Set(targets.flatMap(({ target }) => referencedMetrics(str(target['expr']) ?? '')));
    for (const metric of [
      'iocflow_enricher_events_out_total',
      'iocflow_indexer_indexed_documents_total',
      'iocflow_enricher_consumer_lag',
      'iocflow_indexer_consumer_lag',
      'iocflow_enricher_hits_total',
      'iocflow_enricher_dead_letters_total',
      'iocflow_indexer_dead_lettered_documents_total',
      // Staleness per misp-sync source, against its own schedule (a global last-success age misleads with hourly feeds).
      'iocflow_enricher_source_due_timestamp_seconds',
      'iocflow_enricher_source_last_success_timestamp_seconds',
      // The retro-hunt (issue 16): whether past logs are being hunted, and what it found.
      'iocflow_hunter_searches_total',
      'iocflow_hunter_hits_total',
      'iocflow_hunter_consumer_lag',
    ]) {
      expect(queried).toContain(metric);
    }
    expect(targets.some(({ target }) => /sum by \(feed\)/.test(str(target['expr']) ?? ''))).toBe(true);
  });

  it('has unique panel ids and no overlapping panels', () => {
    const ids = panels.map((panel) => num(dig(panel, 'id')));
    expect(new Set(ids).size).toBe(ids.length);
    const boxes = panels.map((panel) => ({ title: str(dig(panel, 'title')), x: num(dig(panel, 'gridPos', 'x')) ?? 0, y: num(dig(panel, 'gridPos', 'y')) ?? 0, w: num(dig(panel, 'gridPos', 'w')) ?? 0, h: num(dig(panel, 'gridPos', 'h')) ?? 0 }));
    const overlaps = boxes.flatMap((a, i) => boxes.slice(i + 1).filter((b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h).map((b) => `${a.title} / ${b.title}`));
    expect(overlaps).toEqual([]);
    expect(boxes.every((box) => box.x + box.w <= 24)).toBe(true);
  });
});
