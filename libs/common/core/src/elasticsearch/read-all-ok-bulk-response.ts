import { CLOSE_ARRAY, COMMA, isDigit, ZERO } from '../json-lexer';
import type { BulkResponseItem } from './classify-bulk-item';

/** A `_bulk` answer in which every item succeeded, as `readAllOkBulkResponse` reads it. */
export interface AllOkBulkResponse {
  readonly errors: false;
  readonly took: number;
  readonly items: readonly BulkResponseItem[];
}

/**
 * The usual `_bulk` answer read without `JSON.parse`: every item succeeded, and the response was
 * cut down by the indexer's `filter_path` (`took,errors,items.*.status,items.*.error`), which
 * Elasticsearch writes compactly as
 *
 *     {"errors":false,"took":12,"items":[{"index":{"status":201}},{"create":{"status":201}},…]}
 *
 * Parsing it builds two objects per document, about 0.5 µs each on the development machine: a
 * tenth of the indexer's goal for its own work per document. Here the text is matched against
 * that exact form, and the items are shared, frozen objects, one per action and status (readers
 * only read them). Answers `undefined` for anything else (errors, another order of keys, white
 * space, other fields, unknown actions, a status outside 200–299): the caller parses it as ever.
 * For any text it answers, `JSON.parse` gives an equal value.
 */
export function readAllOkBulkResponse(text: string): AllOkBulkResponse | undefined {
  if (!text.startsWith(HEAD)) return undefined;
  let i = HEAD.length;
  const tookStart = i;
  while (i < text.length && isDigit(text.charCodeAt(i))) i += 1;
  const tookDigits = i - tookStart;
  // a JSON number without a leading zero (unless it is 0), short enough to be exact
  if (tookDigits < 1 || tookDigits > 15 || (tookDigits > 1 && text.charCodeAt(tookStart) === ZERO)) return undefined;
  const took = Number(text.slice(tookStart, i));
  if (!text.startsWith(ITEMS, i)) return undefined;
  i += ITEMS.length;
  const items: BulkResponseItem[] = [];
  if (text.charCodeAt(i) !== CLOSE_ARRAY) {
    for (;;) {
      const action = text.startsWith(INDEX_ITEM, i) ? 'index' : text.startsWith(CREATE_ITEM, i) ? 'create' : undefined;
      if (action === undefined) return undefined;
      i += action === 'index' ? INDEX_ITEM.length : CREATE_ITEM.length;
      // a status 200–299, then `}}`
      const status = statusAt(text, i);
      if (status === undefined || !text.startsWith(ITEM_END, i + 3)) return undefined;
      i += 3 + ITEM_END.length;
      items.push(sharedItem(action, status));
      const next = text.charCodeAt(i);
      if (next === CLOSE_ARRAY) break;
      if (next !== COMMA) return undefined;
      i += 1;
    }
  }
  return i + TAIL.length === text.length && text.endsWith(TAIL) ? { errors: false, took, items } : undefined;
}

const HEAD = '{"errors":false,"took":';
const ITEMS = ',"items":[';
const INDEX_ITEM = '{"index":{"status":';
const CREATE_ITEM = '{"create":{"status":';
const ITEM_END = '}}';
const TAIL = ']}';

/** The three digits at `i` when they are 200–299. */
function statusAt(text: string, i: number): number | undefined {
  if (text.charCodeAt(i) !== ZERO + 2 || !isDigit(text.charCodeAt(i + 1)) || !isDigit(text.charCodeAt(i + 2))) return undefined;
  return 200 + (text.charCodeAt(i + 1) - ZERO) * 10 + (text.charCodeAt(i + 2) - ZERO);
}

/** The shared items, per action, at status - 200. */
const sharedItems = { index: new Array<BulkResponseItem | undefined>(100), create: new Array<BulkResponseItem | undefined>(100) };

function sharedItem(action: 'index' | 'create', status: number): BulkResponseItem {
  const items = sharedItems[action];
  let item = items[status - 200];
  if (item === undefined) {
    item = Object.freeze({ [action]: Object.freeze({ status }) });
    items[status - 200] = item;
  }
  return item;
}
