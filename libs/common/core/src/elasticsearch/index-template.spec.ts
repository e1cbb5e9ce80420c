import { INDEX_TEMPLATE_VERSION, indexTemplate, indexTemplateName } from './index-template';

type Json = Record<string, unknown>;
const at = (node: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((n, key) => (typeof n === 'object' && n !== null ? (n as Json)[key] : undefined), node);

describe('indexTemplate', () => {
  const template = indexTemplate({ indexPrefix: 'iocflow-logs' });
  const properties = at(template, 'template.mappings.properties');

  it('matches the daily indices of the prefix only', () => {
    expect(template['index_patterns']).toEqual(['iocflow-logs-*']);
    expect(indexTemplateName('iocflow-logs')).toBe('iocflow-logs-template');
  });

  it('outranks the built-in logs-*-* template (priority 100) and carries a version', () => {
    expect(template['priority']).toBeGreaterThan(100);
    expect(template['version']).toBe(INDEX_TEMPLATE_VERSION);
  });

  it('maps the fields iocflow writes', () => {
    expect(at(properties, '@timestamp.type')).toBe('date');
    expect(at(properties, 'misp_src.type')).toBe('keyword');
  });

  it('maps threat.enrichments as ECS: nested, indicator and matched keywords, ip as ip', () => {
    const enrichments = at(properties, 'threat.properties.enrichments');
    expect(at(enrichments, 'type')).toBe('nested');
    expect(at(enrichments, 'properties.indicator.properties.ip.type')).toBe('ip');
    expect(at(enrichments, 'properties.indicator.properties.provider.type')).toBe('keyword');
    for (const field of ['atomic', 'field', 'type']) {
      expect(at(enrichments, `properties.matched.properties.${field}.type`)).toBe('keyword');
    }
  });

  it('copies the matched values into root keywords the dashboard can aggregate', () => {
    const matched = at(properties, 'threat.properties.enrichments.properties.matched.properties');
    expect(at(matched, 'atomic.copy_to')).toBe('iocflow.matched.atomic');
    expect(at(properties, 'iocflow.properties.matched.properties.atomic.type')).toBe('keyword');
  });

  // Issue 15: the TLP marking and the confidence are what a SOC filters on, and Lens cannot reach nested fields.
  it('maps the TLP marking, confidence and first/last seen, and copies TLP and confidence into root keywords', () => {
    const indicator = at(properties, 'threat.properties.enrichments.properties.indicator.properties');
    expect(at(indicator, 'marking.properties.tlp.type')).toBe('keyword');
    expect(at(indicator, 'marking.properties.tlp.copy_to')).toBe('iocflow.tlp');
    expect(at(indicator, 'confidence.type')).toBe('keyword');
    expect(at(indicator, 'confidence.copy_to')).toBe('iocflow.confidence');
    expect(at(indicator, 'first_seen.type')).toBe('date');
    expect(at(indicator, 'last_seen.type')).toBe('date');
    expect(at(properties, 'iocflow.properties.tlp.type')).toBe('keyword');
    expect(at(properties, 'iocflow.properties.confidence.type')).toBe('keyword');
  });

  it('maps other strings dynamically to keyword with ignore_above', () => {
    const dynamic = at(template, 'template.mappings.dynamic_templates') as Json[];
    expect(dynamic.at(-1)).toEqual({ strings_as_keyword: { match_mapping_type: 'string', mapping: { type: 'keyword', ignore_above: 1024 } } });
    expect(at(template, 'template.mappings.dynamic')).toBe(true);
  });

  it('takes shard and replica counts', () => {
    const custom = indexTemplate({ indexPrefix: 'x', numberOfShards: 3, numberOfReplicas: 1, priority: 500 });
    expect(at(custom, 'template.settings.number_of_shards')).toBe(3);
    expect(at(custom, 'template.settings.number_of_replicas')).toBe(1);
    expect(custom['priority']).toBe(500);
  });
});
