/**
 * Extracts the attribute list from a `/attributes/restSearch` JSON reply.
 *
 * The documented envelope is `{"response": {"Attribute": [...]}}`. Some MISP versions answer an
 * empty search with `{"response": []}`, and PyMISP-style wrappers drop the outer level
 * (`{"Attribute": [...]}`); all three are accepted. Anything else means the reply is not what
 * we asked for (a proxy page, a different endpoint) and the caller treats it as a bad response.
 */
export type AttributeSearchEnvelope =
  | { readonly ok: true; readonly items: readonly unknown[] }
  | { readonly ok: false; readonly reason: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseAttributeSearchEnvelope(json: unknown): AttributeSearchEnvelope {
  if (!isObject(json)) return { ok: false, reason: 'reply is not a JSON object' };
  const response = 'response' in json ? json['response'] : json;
  if (Array.isArray(response)) {
    return response.length === 0 ? { ok: true, items: [] } : { ok: false, reason: 'response is a non-empty list (an events search?)' };
  }
  if (!isObject(response)) return { ok: false, reason: 'response is not an object' };
  const attributes = response['Attribute'];
  if (attributes === undefined && Object.keys(response).length === 0) return { ok: true, items: [] };
  if (!Array.isArray(attributes)) return { ok: false, reason: 'response.Attribute is not a list' };
  return { ok: true, items: attributes };
}
