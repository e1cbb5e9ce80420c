import { arr, dig, isObject, obj, str, type Json, type JsonObject } from './k8s-objects';

/** One served version of a CRD as a JSON schema kubeconform can load. */
export interface CrdSchema {
  readonly group: string;
  readonly kind: string;
  readonly version: string;
  /** kubeconform's lookup name for custom resources: `<group>/<kind lowercased>_<version>.json`. */
  readonly fileName: string;
  readonly schema: JsonObject;
}

export interface CrdToJsonSchemaOptions {
  /** A JSON schema reference for ObjectMeta (the CRD itself only says `metadata: object`). */
  readonly objectMetaRef?: string;
}

/**
 * Converts a CustomResourceDefinition's `openAPIV3Schema` into strict JSON schemas, the way
 * openapi2jsonschema does for kubeconform:
 *   - objects that list `properties` get `additionalProperties: false` (a misspelt field fails),
 *     unless they say `x-kubernetes-preserve-unknown-fields` or compose subschemas;
 *   - OpenAPI's `nullable: true` becomes a `null` type;
 *   - `apiVersion` and `kind` are pinned to this group/version and kind;
 *   - `x-kubernetes-*` extensions (CEL validations, list types) are dropped: the API server
 *     evaluates those, a JSON-schema validator cannot.
 */
export function crdToJsonSchemas(crd: Json, options: CrdToJsonSchemaOptions = {}): CrdSchema[] {
  if (str(dig(crd, 'kind')) !== 'CustomResourceDefinition') throw new Error('not a CustomResourceDefinition');
  const group = str(dig(crd, 'spec', 'group')) ?? '';
  const kind = str(dig(crd, 'spec', 'names', 'kind')) ?? '';
  return arr(dig(crd, 'spec', 'versions')).flatMap((entry): CrdSchema[] => {
    const version = str(dig(entry, 'name'));
    const source = dig(entry, 'schema', 'openAPIV3Schema');
    if (version === undefined || !isObject(source)) return [];
    const schema = strict(source);
    const properties = obj(schema['properties']);
    schema['properties'] = {
      ...properties,
      apiVersion: { type: 'string', enum: [`${group}/${version}`] },
      kind: { type: 'string', enum: [kind] },
      ...(options.objectMetaRef === undefined ? {} : { metadata: { $ref: options.objectMetaRef } }),
    };
    schema['required'] = [...new Set([...arr(schema['required']), 'apiVersion', 'kind'])];
    return [{ group, kind, version, fileName: `${group}/${kind.toLowerCase()}_${version}.json`, schema }];
  });
}

const COMPOSITION = ['allOf', 'anyOf', 'oneOf'];
/** Keywords whose value is a map of name → schema. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs']);
/** Keywords whose value is a schema or a list of schemas; every other keyword is copied as is (enum, default, …). */
const SCHEMA_VALUES = new Set(['additionalProperties', 'items', 'not', ...COMPOSITION]);

function strict(node: JsonObject): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('x-kubernetes-') || key === 'nullable') continue;
    if (SCHEMA_MAPS.has(key) && isObject(value)) result[key] = Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, schemaOf(schema)]));
    else if (SCHEMA_VALUES.has(key)) result[key] = Array.isArray(value) ? value.map(schemaOf) : schemaOf(value);
    else result[key] = value;
  }
  const type = node['type'];
  if (node['nullable'] === true && typeof type === 'string') result['type'] = [type, 'null'];
  const preserves = node['x-kubernetes-preserve-unknown-fields'] === true;
  const composed = COMPOSITION.some((keyword) => node[keyword] !== undefined);
  if (isObject(node['properties']) && node['additionalProperties'] === undefined && !preserves && !composed) result['additionalProperties'] = false;
  return result;
}

function schemaOf(value: Json): Json {
  return isObject(value) ? strict(value) : value;
}
