import { readFileSync } from 'node:fs';
import path from 'node:path';
import { alertsIndexTemplate, indexTemplate } from '@iocflow/core';

/** deploy/kibana/iocflow-dashboard.ndjson: what `POST /api/saved_objects/_import` receives. */
const NDJSON = path.resolve(__dirname, '..', '..', '..', '..', 'deploy', 'kibana', 'iocflow-dashboard.ndjson');

interface SavedObject {
  id: string;
  type: string;
  attributes: Record<string, unknown>;
  references: { type: string; id: string; name: string }[];
}

interface LensPanel {
  type: string;
  panelIndex: string;
  title: string;
  embeddableConfig: {
    attributes: {
      visualizationType: string;
      references: { type: string; id: string; name: string }[];
      state: {
        query: { language: string; query: string };
        datasourceStates: { formBased: { layers: Record<string, { columns: Record<string, { operationType: string; sourceField: string }> }> } };
      };
    };
  };
}

const objects = readFileSync(NDJSON, 'utf8')
  .split('\n')
  .filter((line) => line.trim().length > 0)
  .map((line) => JSON.parse(line) as SavedObject);
const dataView = objects.find((o) => o.id === 'iocflow-logs-data-view')!;
const alertsView = objects.find((o) => o.id === 'iocflow-alerts-data-view')!;
const dashboard = objects.find((o) => o.type === 'dashboard')!;
const panels = JSON.parse(dashboard.attributes['panelsJSON'] as string) as LensPanel[];

/** Every field path a template maps, with its type (nested children included); default the logs template. */
function mappedFields(template: { template: { mappings: { properties: Record<string, never> } } } = indexTemplate({ indexPrefix: 'iocflow-logs' }) as never): Map<string, string> {
  const fields = new Map<string, string>();
  const walk = (properties: Record<string, { type?: string; properties?: Record<string, never> }>, prefix: string) => {
    for (const [name, spec] of Object.entries(properties)) {
      if (spec.type !== undefined) fields.set(`${prefix}${name}`, spec.type);
      if (spec.properties !== undefined) walk(spec.properties, `${prefix}${name}.`);
    }
  };
  walk(template.template.mappings.properties, '');
  return fields;
}

describe('deploy/kibana/iocflow-dashboard.ndjson', () => {
  it('is one saved object per line: the logs and alerts data views and a dashboard', () => {
    expect(objects.map((o) => o.type)).toEqual(['index-pattern', 'index-pattern', 'dashboard']);
    for (const object of objects) expect(object).toEqual(expect.objectContaining({ id: expect.any(String), attributes: expect.any(Object), references: expect.any(Array) }));
  });

  it('the logs data view covers the default daily indices and the default data stream, with @timestamp as time field', () => {
    expect(dataView.attributes).toMatchObject({ title: 'iocflow-logs-*,logs-iocflow-*', timeFieldName: '@timestamp' });
    const patterns = (dataView.attributes['title'] as string).split(',').map((pattern) => new RegExp(`^${pattern.replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`));
    // a data view pattern matches data stream names (Elasticsearch resolves them to their backing indices)
    for (const name of ['iocflow-logs-2026.12.03', 'logs-iocflow-default']) expect([name, patterns.some((pattern) => pattern.test(name))]).toEqual([name, true]);
  });

  it('the alerts data view covers the hunter\'s daily alert indices and its alerts data stream', () => {
    expect(alertsView.attributes).toMatchObject({ title: 'iocflow-alerts-*', timeFieldName: '@timestamp' });
  });

  it('has the log panels on the logs data view and the hits panels on the alerts data view, all Lens', () => {
    expect(panels.map((p) => p.title)).toEqual([
      'Hits over time by feed (misp_src)',
      'Top matched indicators',
      'Top hosts with hits',
      'Hits over time by mode (live, retrospective)',
      'Retro-hunt: top indicators',
      'Retro-hunt: original documents (index, _id)',
    ]);
    panels.forEach((panel, i) => {
      expect(panel.type).toBe('lens');
      for (const reference of panel.embeddableConfig.attributes.references) expect([panel.title, reference.id]).toEqual([panel.title, i < 3 ? dataView.id : alertsView.id]);
    });
    for (const reference of dashboard.references) expect(objects.some((o) => o.id === reference.id && o.type === reference.type)).toBe(true);
    expect(dashboard.references.map((r) => r.name)).toEqual(
      panels.flatMap((p) => p.embeddableConfig.attributes.references.map((r) => `${p.panelIndex}:${r.name}`)),
    );
  });

  it('hit panels exclude misp_src "none"', () => {
    for (const panel of [panels[0]!, panels[2]!]) expect(panel.embeddableConfig.attributes.state.query.query).toContain('not misp_src : "none"');
  });

  it('aggregates only fields the index template maps as aggregatable, outside nested objects', () => {
    const fields = mappedFields();
    const used = panels.slice(0, 3).flatMap((p) =>
      Object.values(p.embeddableConfig.attributes.state.datasourceStates.formBased.layers).flatMap((layer) =>
        Object.values(layer.columns)
          .filter((c) => c.operationType === 'terms' || c.operationType === 'date_histogram')
          .map((c) => c.sourceField),
      ),
    );
    expect(new Set(used)).toEqual(new Set(['@timestamp', 'misp_src', 'iocflow.matched.atomic', 'host.name']));
    for (const field of used) {
      expect([field, fields.get(field)]).toEqual([field, expect.stringMatching(/^(keyword|date)$/)]);
      expect(field.startsWith('threat.enrichments.')).toBe(false); // Lens cannot aggregate nested fields
    }
  });

  it('the hits panels aggregate only keyword and date fields of the alerts template', () => {
    const fields = mappedFields(alertsIndexTemplate({ kind: 'daily', prefix: 'iocflow-alerts' }).body as never);
    const used = panels.slice(3).flatMap((p) =>
      Object.values(p.embeddableConfig.attributes.state.datasourceStates.formBased.layers).flatMap((layer) =>
        Object.values(layer.columns)
          .filter((c) => c.operationType === 'terms' || c.operationType === 'date_histogram')
          .map((c) => c.sourceField),
      ),
    );
    expect(used).toContain('iocflow.hit.mode');
    expect(used).toContain('iocflow.document.id');
    for (const field of used) expect([field, fields.get(field)]).toEqual([field, expect.stringMatching(/^(keyword|date)$/)]);
  });
});
