import { isSupportedMispType, mispAttributeObservables, refang, stripTrailing } from '@iocflow/core';
import { detectValueType } from './detect-value-type';
import type { FeedValue } from './feed-value-attributes';

/** Characters that end a token in free text besides white space (quotes, brackets, list separators). */
const SEPARATORS = /[\s,;"'<>(){}|`]+/;
/** Sentence punctuation glued to the end of a token (`see evil.example.`); stripped by a loop, not a regex (linear time). */
const TRAILING = '.:!?]';

/**
 * The indicators in a freetext feed or report: the text is refanged first (`hxxp://evil[.]com`),
 * lines starting with `#` are comments, then every token is typed by `detectValueType` (or must be
 * a valid value of the fixed FEED_VALUE_TYPE). Duplicates are kept once. Tokens that are no
 * indicator are ignored, not errors: free text is mostly prose.
 */
export function extractFreetextValues(text: string, valueType: string): FeedValue[] {
  const seen = new Set<string>();
  const values: FeedValue[] = [];
  for (const line of refang(text).split('\n')) {
    if (line.trimStart().startsWith('#')) continue;
    for (const raw of line.split(SEPARATORS)) {
      const token = stripTrailing(raw, TRAILING);
      if (token === '') continue;
      const type = valueType === 'auto' ? detectValueType(token) : isSupportedMispType(valueType) && mispAttributeObservables(valueType, token).length > 0 ? valueType : undefined;
      if (type === undefined) continue;
      const id = `${type}\n${token}`;
      if (seen.has(id)) continue;
      seen.add(id);
      values.push({ type, value: token, timestamp: 0 });
    }
  }
  return values;
}
