import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { defaultFixturesRoot } from './fixture-events';

/** MISP's own OpenAPI 3.0 spec (AGPL-3.0, kept unmodified as test data: test/fixtures/SOURCES.md). */
export function defaultMispSpecPath(): string {
  return path.join(defaultFixturesRoot(), 'misp/app/webroot/doc/openapi.yaml');
}

const SPEC_ID = 'misp-openapi';
type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Places where MISP's spec is stricter than MISP itself, so that a correct client fails a literal
 * check: JSON pointers into the spec and the schema that replaces each. Only request-filter
 * properties are relaxed; response schemas stay literal. README.md lists them with the evidence.
 */
const FLAG = { anyOf: [{ type: 'boolean' }, { type: 'integer', enum: [0, 1] }, { type: 'string', enum: ['0', '1'] }] };
const NULLABLE_FLAG = { anyOf: [FLAG, { type: 'null' }] };
const TIMESTAMP_FILTER = {
  anyOf: [
    { type: 'integer', minimum: 0 },
    { type: 'string', pattern: '^(\\d+|\\d+[smhdw])$' },
    { type: 'array', minItems: 2, maxItems: 2, items: { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string', pattern: '^(\\d+|\\d+[smhdw])$' }] } },
  ],
};
const FILTER = '/components/schemas/AttributeRestSearchFilter/properties';
export const KNOWN_SPEC_DEVIATIONS: Readonly<Record<string, unknown>> = {
  // Spec: boolean. MISP (Attribute::fetchAttributes) compares `deleted + 0` with the value, so it
  // takes 0, 1, [0,1] and "only"; [0,1] is the only way to see soft deletes with live data.
  [`${FILTER}/deleted`]: { anyOf: [FLAG, { type: 'string', enum: ['only'] }, { type: 'array', items: FLAG }] },
  // Spec: a '^\d+$' string. MISP also takes integers, relative times ("1d", "30m") and [from, to].
  [`${FILTER}/timestamp`]: TIMESTAMP_FILTER,
  [`${FILTER}/attribute_timestamp`]: TIMESTAMP_FILTER,
  [`${FILTER}/event_timestamp`]: TIMESTAMP_FILTER,
  [`${FILTER}/publish_timestamp`]: TIMESTAMP_FILTER,
  // Spec: one AttributeType. MISP takes a list (OR) of types, as the seed's cron script sends.
  [`${FILTER}/type`]: {
    anyOf: [{ $ref: '#/components/schemas/AttributeType' }, { type: 'array', items: { $ref: '#/components/schemas/AttributeType' } }],
  },
  // Spec: boolean. MISP reads restSearch flags as PHP truthy values; clients send 0/1.
  [`${FILTER}/to_ids`]: NULLABLE_FLAG,
  [`${FILTER}/includeEventTags`]: FLAG,
  [`${FILTER}/enforceWarninglist`]: NULLABLE_FLAG,
  [`${FILTER}/includeDecayScore`]: FLAG,
  [`${FILTER}/excludeDecayed`]: FLAG,
  [`${FILTER}/published`]: FLAG,
  // Spec: oneOf OrganisationId / OrganisationName, which an id such as "1" matches twice (oneOf
  // then fails). MISP takes an id or a name, or a list of them (OR), as for tags.
  [`${FILTER}/org`]: { anyOf: [{ type: 'string', maxLength: 255 }, { type: 'array', items: { type: 'string', maxLength: 255 } }] },
};

/** OpenAPI 3.0 `nullable: true` → JSON Schema's null type, recursively. */
function convert(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convert);
  if (!isObject(node)) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) if (key !== 'nullable') out[key] = convert(value);
  if (node['nullable'] !== true) return out;
  if (typeof out['type'] === 'string') {
    out['type'] = [out['type'], 'null'];
    if (Array.isArray(out['enum'])) out['enum'] = [...out['enum'], null];
    return out;
  }
  return { anyOf: [out, { type: 'null' }] };
}

function replaceAt(root: Json, pointer: string, value: unknown): void {
  const segments = pointer.split('/').slice(1);
  const last = segments.pop()!;
  let node: unknown = root;
  for (const segment of segments) node = isObject(node) ? node[segment] : undefined;
  if (!isObject(node) || !(last in node)) throw new Error(`MISP spec has nothing at ${pointer}`);
  node[last] = value;
}

const escapePointer = (segment: string): string => segment.replace(/~/g, '~0').replace(/\//g, '~1');

export interface OpenApiCheck {
  readonly valid: boolean;
  /** `instancePath message` lines; empty when valid. */
  readonly errors: readonly string[];
}

/**
 * Validates request and response bodies against MISP's OpenAPI spec with ajv. The spec is loaded
 * once; `$ref`s resolve inside it, and schemas are compiled on first use.
 */
export class MispOpenApi {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();

  private constructor(private readonly spec: Json) {
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    addFormats(this.ajv);
    for (const format of ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password']) this.ajv.addFormat(format, true);
    this.ajv.addSchema({ ...spec, $id: SPEC_ID }, SPEC_ID);
  }

  /** `relaxKnownDeviations` (default true) applies KNOWN_SPEC_DEVIATIONS; false checks the literal spec. */
  static load(options: { specPath?: string; relaxKnownDeviations?: boolean } = {}): MispOpenApi {
    const raw = parse(readFileSync(options.specPath ?? defaultMispSpecPath(), 'utf8')) as Json;
    const spec = convert(raw) as Json;
    if (options.relaxKnownDeviations !== false) {
      for (const [pointer, schema] of Object.entries(KNOWN_SPEC_DEVIATIONS)) replaceAt(spec, pointer, schema);
    }
    return new MispOpenApi(spec);
  }

  /** Validates against `#/components/schemas/<name>`. */
  validateSchema(name: string, value: unknown): OpenApiCheck {
    return this.check(`/components/schemas/${escapePointer(name)}`, value);
  }

  /** Validates a JSON request body against the operation's requestBody schema. */
  validateRequest(method: string, apiPath: string, body: unknown): OpenApiCheck {
    const operation = `/paths/${escapePointer(apiPath)}/${method.toLowerCase()}`;
    const requestBody = this.follow(`${operation}/requestBody`);
    return this.check(`${requestBody}/content/application~1json/schema`, body);
  }

  /** Validates a JSON response body against the operation's response for `status` (or `default`). */
  validateResponse(method: string, apiPath: string, status: number, body: unknown): OpenApiCheck {
    const responses = `/paths/${escapePointer(apiPath)}/${method.toLowerCase()}/responses`;
    const declared = this.resolvePointer(responses);
    const key = isObject(declared) && String(status) in declared ? String(status) : 'default';
    const response = this.follow(`${responses}/${key}`);
    return this.check(`${response}/content/application~1json/schema`, body);
  }

  private check(pointer: string, value: unknown): OpenApiCheck {
    if (this.resolvePointer(pointer) === undefined) throw new Error(`MISP spec has no schema at ${pointer}`);
    let validate = this.compiled.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${SPEC_ID}#${pointer}` });
      this.compiled.set(pointer, validate);
    }
    const valid = validate(value);
    return { valid, errors: valid ? [] : (validate.errors ?? []).map(describe) };
  }

  /** Follows `$ref`s from a pointer to the object that holds the content. */
  private follow(pointer: string): string {
    let current = pointer;
    for (let hop = 0; hop < 10; hop++) {
      const node = this.resolvePointer(current);
      if (!isObject(node) || typeof node['$ref'] !== 'string') return current;
      current = node['$ref'].replace(/^#/, '');
    }
    throw new Error(`$ref loop at ${pointer}`);
  }

  private resolvePointer(pointer: string): unknown {
    let node: unknown = this.spec;
    for (const segment of pointer.split('/').slice(1)) {
      if (!isObject(node)) return undefined;
      node = node[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
    }
    return node;
  }
}

function describe(error: ErrorObject): string {
  return `${error.instancePath || '/'} ${error.message ?? error.keyword}${error.params && 'allowedValues' in error.params ? ` ${JSON.stringify(error.params['allowedValues']).slice(0, 80)}` : ''}`;
}
