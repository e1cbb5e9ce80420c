/**
 * Zeek's ASCII (TSV) log format converted to what the same Zeek writes with JSON logs on
 * (`@load policy/tuning/json-logs.zeek`, i.e. `LogAscii::use_json=T`), one object per record:
 *
 * - keys are the `#fields` names as they are, flat and dotted (`"id.orig_h"`);
 * - an unset field (`#unset_field`, `-`) is left out; an empty set or vector (`#empty_field`,
 *   `(empty)`) is `[]`;
 * - `set[…]` and `vector[…]` are arrays, split on `#set_separator`, each element converted as its
 *   element type;
 * - `count`, `int`, `port`, `double`, `interval` are numbers; `bool` `T`/`F` is true/false;
 *   `time` is epoch seconds as a number (Zeek's default `JSON::TS_EPOCH`); `addr`, `subnet`,
 *   `string`, `enum`, `pattern` are strings, with the TSV writer's `\xHH` escapes decoded.
 *
 * The test baselines mask times as `XXXXXXXXXX.XXXXXX`; those become `maskedTime` (a fixed epoch
 * passed by the caller), since the enricher never reads `ts`.
 */
export interface ZeekLog {
  /** `#path`: conn, dns, http… */
  readonly path: string;
  /** One JSON object text per record, in file order. */
  readonly lines: readonly string[];
}

export function zeekTsvToJson(tsv: string, maskedTime: number): ZeekLog {
  const header = new Map<string, string>();
  let fields: string[] = [];
  let types: string[] = [];
  const lines: string[] = [];
  for (const line of tsv.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      const [directive, ...rest] = line.slice(1).split(/\t| /);
      if (directive === 'fields') fields = line.split('\t').slice(1);
      else if (directive === 'types') types = line.split('\t').slice(1);
      else if (directive !== undefined) header.set(directive, rest.join(' '));
      continue;
    }
    if (fields.length === 0 || types.length !== fields.length) throw new Error('a Zeek record before its #fields/#types header');
    const unset = header.get('unset_field') ?? '-';
    const empty = header.get('empty_field') ?? '(empty)';
    const separator = header.get('set_separator') ?? ',';
    const record: Record<string, unknown> = {};
    line.split('\t').forEach((raw, i) => {
      const name = fields[i] as string;
      const type = types[i] as string;
      if (raw === unset) return;
      const container = /^(?:set|vector)\[(.+)\]$/.exec(type);
      if (container !== null) {
        record[name] = raw === empty ? [] : raw.split(separator).map((element) => scalar(element, container[1] as string, maskedTime));
        return;
      }
      record[name] = scalar(raw, type, maskedTime);
    });
    lines.push(JSON.stringify(record));
  }
  return { path: header.get('path') ?? '', lines };
}

function scalar(raw: string, type: string, maskedTime: number): unknown {
  switch (type) {
    case 'count':
    case 'int':
    case 'port':
    case 'double':
    case 'interval':
      return Number(raw);
    case 'time':
      return /^X+\.X+$/.test(raw) ? maskedTime : Number(raw);
    case 'bool':
      return raw === 'T';
    default:
      return raw.replace(/\\x([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  }
}
