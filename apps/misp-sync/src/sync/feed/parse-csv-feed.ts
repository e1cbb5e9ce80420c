import { isSupportedMispType, mispAttributeObservables, refang } from '@iocflow/core';
import { detectValueType } from './detect-value-type';
import type { FeedValue } from './feed-value-attributes';

export interface CsvFeedOptions {
  /** 0-based column of the value when there is no header naming a `value` column. */
  readonly column: number;
  /** A supported MISP type for every value, or `auto` (per value, `detectValueType`). */
  readonly valueType: string;
}

export interface CsvFeed {
  readonly values: readonly FeedValue[];
  /** Data lines that gave no indicator (empty or invalid value, unsupported type, to_ids 0). */
  readonly skipped: number;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A CSV feed. Records are RFC 4180 (fields in double quotes may hold commas, line breaks and `""`);
 * a line starting with `#` is a comment; blank lines are ignored.
 *
 * The first record is a header when it names a `value` column, or when its value cell is not an
 * indicator. A header naming `value` selects columns by name, which reads MISP's own CSV export
 * (`uuid,event_id,category,type,value,comment,to_ids,date,…`) as it is: `type` gives each line's
 * MISP type (with FEED_VALUE_TYPE=auto), `to_ids` 0 drops the line, `uuid` is its identity and
 * `date`/`timestamp` (epoch seconds) its time. Otherwise the value is in `column`.
 */
export function parseCsvFeed(text: string, options: CsvFeedOptions): CsvFeed {
  const records = csvRecords(text);
  let columns: { value: number; type?: number; uuid?: number; toIds?: number; timestamp?: number } = { value: options.column };
  const first = records[0];
  if (first !== undefined) {
    const names = first.map((cell) => cell.trim().toLowerCase());
    const valueIndex = names.indexOf('value');
    if (valueIndex !== -1) {
      const index = (name: string) => (names.indexOf(name) === -1 ? undefined : names.indexOf(name));
      const timestamp = index('timestamp') ?? index('date');
      columns = { value: valueIndex, ...optional('type', index('type')), ...optional('uuid', index('uuid')), ...optional('toIds', index('to_ids')), ...optional('timestamp', timestamp) };
      records.shift();
    } else if (typeOf(refang((first[options.column] ?? '').trim()), undefined, options.valueType) === undefined) {
      records.shift();
    }
  }
  const values: FeedValue[] = [];
  let skipped = 0;
  for (const record of records) {
    const value = refang((record[columns.value] ?? '').trim());
    const type = typeOf(value, columns.type === undefined ? undefined : record[columns.type]?.trim(), options.valueType);
    const toIds = columns.toIds === undefined ? '1' : (record[columns.toIds] ?? '').trim().toLowerCase();
    if (type === undefined || toIds === '0' || toIds === 'false') {
      skipped++;
      continue;
    }
    const uuid = columns.uuid === undefined ? undefined : record[columns.uuid]?.trim();
    const time = columns.timestamp === undefined ? '' : (record[columns.timestamp] ?? '').trim();
    values.push({ type, value, ...(uuid !== undefined && UUID_PATTERN.test(uuid) ? { id: uuid.toLowerCase() } : {}), timestamp: /^\d{1,12}$/.test(time) ? Number(time) : 0 });
  }
  return { values, skipped };
}

/** The MISP type of a value: the fixed FEED_VALUE_TYPE, else the line's own type column, else detected. */
function typeOf(value: string, lineType: string | undefined, valueType: string): string | undefined {
  if (value === '') return undefined;
  const type = valueType !== 'auto' ? valueType : lineType !== undefined && lineType !== '' ? lineType : detectValueType(value);
  if (type === undefined || !isSupportedMispType(type)) return undefined;
  return mispAttributeObservables(type, value).length > 0 ? type : undefined;
}

function optional<K extends string>(name: K, index: number | undefined): Partial<Record<K, number>> {
  return index === undefined ? {} : ({ [name]: index } as Record<K, number>);
}

/**
 * RFC 4180 records, comment (`#`) and blank lines dropped; linear, one pass (a field's
 * blankness is tracked as it grows: testing `field.trim()` at every quote was quadratic on a field
 * of many quotes).
 */
export function csvRecords(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  /** `field` holds only white space so far (a quote there opens a quoted field). */
  let blank = true;
  let quoted = false;
  let atRecordStart = true;
  let i = 0;
  const endRecord = () => {
    record.push(field);
    if (!(record.length === 1 && record[0]?.trim() === '')) records.push(record);
    record = [];
    field = '';
    blank = true;
    atRecordStart = true;
  };
  while (i < text.length) {
    const char = text[i];
    if (quoted) {
      if (char === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += char;
      }
      i++;
      continue;
    }
    if (atRecordStart && char === '#') {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end + 1;
      continue;
    }
    atRecordStart = false;
    if (char === '"' && blank) {
      field = '';
      blank = false;
      quoted = true;
    } else if (char === ',') {
      record.push(field);
      field = '';
      blank = true;
    } else if (char === '\n') {
      endRecord();
    } else if (char !== '\r') {
      field += char;
      if (blank && (char === undefined || char.trim() !== '')) blank = false;
    }
    i++;
  }
  if (!atRecordStart || field !== '') endRecord();
  return records;
}
