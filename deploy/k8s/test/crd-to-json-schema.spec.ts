import { crdToJsonSchemas } from './crd-to-json-schema';
import type { Json } from './k8s-objects';

const CRD: Json = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  spec: {
    group: 'example.io',
    names: { kind: 'Widget' },
    versions: [
      {
        name: 'v1',
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              apiVersion: { type: 'string' },
              kind: { type: 'string' },
              metadata: { type: 'object' },
              spec: {
                type: 'object',
                'x-kubernetes-validations': [{ rule: 'self.size > 0' }],
                properties: {
                  size: { type: 'integer', nullable: true },
                  // A field literally named "properties" must stay a field, not become a keyword.
                  properties: { type: 'object', additionalProperties: { type: 'string' } },
                  free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'string' } } },
                  either: { anyOf: [{ type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true },
                  items: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
                },
                default: { size: 1 },
              },
            },
          },
        },
      },
      { name: 'v1beta1' },
    ],
  },
};

describe('crdToJsonSchemas', () => {
  const [schema, ...rest] = crdToJsonSchemas(CRD, { objectMetaRef: 'defs.json#/ObjectMeta' });

  it('emits one schema per version that has one, named the way kubeconform looks it up', () => {
    expect(rest).toEqual([]);
    expect(schema?.fileName).toBe('example.io/widget_v1.json');
  });

  it('pins apiVersion and kind and references ObjectMeta for metadata', () => {
    const properties = schema?.schema['properties'] as Record<string, Json>;
    expect(properties['apiVersion']).toEqual({ type: 'string', enum: ['example.io/v1'] });
    expect(properties['kind']).toEqual({ type: 'string', enum: ['Widget'] });
    expect(properties['metadata']).toEqual({ $ref: 'defs.json#/ObjectMeta' });
    expect(schema?.schema['required']).toEqual(['apiVersion', 'kind']);
  });

  it('forbids unknown fields where the CRD lists properties, except where it preserves unknown fields', () => {
    const spec = (schema?.schema['properties'] as Record<string, Record<string, Json>>)['spec'] ?? {};
    const fields = spec['properties'] as Record<string, Record<string, Json>>;
    expect(schema?.schema['additionalProperties']).toBe(false);
    expect(spec['additionalProperties']).toBe(false);
    expect(fields['free']?.['additionalProperties']).toBeUndefined();
    expect(fields['properties']).toEqual({ type: 'object', additionalProperties: { type: 'string' } });
    expect((fields['items']?.['items'] as Record<string, Json>)['additionalProperties']).toBe(false);
  });

  it('turns nullable into a null type, drops x-kubernetes extensions and keeps defaults verbatim', () => {
    const spec = (schema?.schema['properties'] as Record<string, Record<string, Json>>)['spec'] ?? {};
    const fields = spec['properties'] as Record<string, Record<string, Json>>;
    expect(fields['size']).toEqual({ type: ['integer', 'null'] });
    expect(fields['either']).toEqual({ anyOf: [{ type: 'integer' }, { type: 'string' }] });
    expect(spec['x-kubernetes-validations']).toBeUndefined();
    expect(spec['default']).toEqual({ size: 1 });
  });

  it('refuses what is not a CRD', () => {
    expect(() => crdToJsonSchemas({ kind: 'Deployment' })).toThrow('not a CustomResourceDefinition');
  });
});
