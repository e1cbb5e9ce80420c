/**
 * Zeek's native log format (TSV with `#` header lines), as written by its ASCII writer and kept in
 * Zeek's own test baselines (test/fixtures/zeek):
 *
 *   #separator \x09          field separator, escaped
 *   #set_separator ,         between the elements of a set or vector
 *   #empty_field (empty)     an empty set, vector or string
 *   #unset_field -           a field without a value
 *   #path dns                the log's name
 *   #fields ts uid id.orig_h …
 *   #types time string addr …
 *   <one line per record>
 *   #close …
 *
 * Other `#` lines (btest's banner, `#open`, `#close`) are skipped. Values stay text: a set or
 * vector becomes a list, an unset field is left out, an empty one is `''` (or `[]` for a list).
 */
export interface ZeekLog {
  readonly path: string;
  readonly fields: readonly string[];
  readonly types: readonly string[];
  readonly records: readonly ZeekRecord[];
}

export interface ZeekRecord {
  /** The line as written, for `event.original`. */
  readonly line: string;
  readonly values: Readonly<Record<string, string | readonly string[]>>;
}

const unescape = (text: string): string => text.replace(/\\x([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

export function parseZeekLog(text: string): ZeekLog {
  let separator = '\t';
  let setSeparator = ',';
  let emptyField = '(empty)';
  let unsetField = '-';
  let logPath = '';
  let fields: string[] = [];
  let types: string[] = [];
  const records: ZeekRecord[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#separator ')) {
      separator = unescape(line.slice('#separator '.length));
      continue;
    }
    if (line.startsWith('#')) {
      const [directive, ...rest] = line.split(separator);
      if (directive === '#set_separator') setSeparator = rest.join(separator);
      else if (directive === '#empty_field') emptyField = rest.join(separator);
      else if (directive === '#unset_field') unsetField = rest.join(separator);
      else if (directive === '#path') logPath = rest.join(separator);
      else if (directive === '#fields') fields = rest;
      else if (directive === '#types') types = rest;
      continue;
    }
    if (fields.length === 0) throw new Error('a Zeek log record before its #fields line');
    const cells = line.split(separator);
    if (cells.length !== fields.length) throw new Error(`a Zeek ${logPath} record has ${cells.length} fields, #fields names ${fields.length}`);
    const values: Record<string, string | string[]> = {};
    fields.forEach((name, i) => {
      const cell = cells[i] ?? unsetField;
      if (cell === unsetField) return;
      const isList = /^(set|vector)\[/.test(types[i] ?? '');
      if (isList) values[name] = cell === emptyField ? [] : cell.split(setSeparator);
      else values[name] = cell === emptyField ? '' : cell;
    });
    records.push({ line, values });
  }
  return { path: logPath, fields, types, records };
}
