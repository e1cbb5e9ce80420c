import { arr, dig, isObject, obj, str, type Json, type JsonObject } from './k8s-objects';

/**
 * Whether a Kubernetes label selector (`matchLabels` and `matchExpressions` with In, NotIn,
 * Exists, DoesNotExist) selects an object with these labels, as the API server evaluates it. An
 * empty selector (`{}`) selects everything; a missing one (undefined) selects nothing.
 */
export function labelSelectorMatches(selector: Json | undefined, labels: JsonObject): boolean {
  if (!isObject(selector)) return false;
  for (const [key, value] of Object.entries(obj(selector['matchLabels']))) {
    if (labels[key] !== value) return false;
  }
  for (const expression of arr(selector['matchExpressions'])) {
    const key = str(dig(expression, 'key')) ?? '';
    const values = arr(dig(expression, 'values'));
    const present = Object.hasOwn(labels, key);
    switch (str(dig(expression, 'operator'))) {
      case 'In':
        if (!present || !values.includes(labels[key] ?? null)) return false;
        break;
      case 'NotIn':
        if (present && values.includes(labels[key] ?? null)) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** True for `{}` (or only empty lists): a selector that selects everything. */
export function selectsEverything(selector: Json | undefined): boolean {
  return isObject(selector) && Object.keys(obj(selector['matchLabels'])).length === 0 && arr(selector['matchExpressions']).length === 0;
}
