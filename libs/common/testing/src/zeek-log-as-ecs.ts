import { isIP } from 'node:net';
import { parseZeekLog, type ZeekRecord } from './parse-zeek-log';

/**
 * Zeek's own logs as ECS documents, for tests, benches and the demo that need real network logs in
 * the shape iocflow's users send (`dns.question.name`, `destination.ip`, `url.original`…). The
 * mapping follows the ECS field reference; it is ours, not a copy of any ingest pipeline.
 *
 * `dns` and `http` logs are converted (others throw). Zeek's test baselines mask every time as
 * `XXXXXXXXXX.XXXXXX`: such a record gets `start` plus its row number in milliseconds, so
 * documents keep their order and a run can put them on today's date; a real `ts` is kept.
 */
export interface ZeekEcsOptions {
  /** The time of the first record whose `ts` is masked; default 2011-03-18T19:06:08Z (arbitrary, fixed). */
  readonly start?: Date;
}

type Json = Record<string, unknown>;
type Values = ZeekRecord['values'];

const DEFAULT_START = Date.UTC(2011, 2, 18, 19, 6, 8);

export function zeekLogAsEcs(text: string, options: ZeekEcsOptions = {}): Json[] {
  const log = parseZeekLog(text);
  const convert = log.path === 'dns' ? dnsDocument : log.path === 'http' ? httpDocument : undefined;
  if (convert === undefined) throw new Error(`no ECS mapping for Zeek's ${log.path || 'unnamed'} log`);
  const start = options.start?.getTime() ?? DEFAULT_START;
  return log.records.map((record, row) => {
    const ts = text1(record.values, 'ts');
    const time = ts !== undefined && /^\d+(\.\d+)?$/.test(ts) ? Math.round(Number(ts) * 1000) : start + row;
    return convert(record, new Date(time).toISOString());
  });
}

function dnsDocument(record: ZeekRecord, timestamp: string): Json {
  const v = record.values;
  const answers = list(v, 'answers');
  const ttls = list(v, 'TTLs');
  const resolved = answers.filter((answer) => isIP(answer) !== 0);
  return compact({
    '@timestamp': timestamp,
    event: { kind: 'event', category: ['network'], type: ['connection', 'protocol', 'info'], dataset: 'zeek.dns', id: text1(v, 'uid'), original: record.line },
    ...endpoints(v),
    network: { transport: text1(v, 'proto'), protocol: 'dns' },
    dns: {
      id: text1(v, 'trans_id'),
      type: answers.length > 0 ? 'answer' : 'query',
      question: { name: text1(v, 'query'), type: text1(v, 'qtype_name'), class: text1(v, 'qclass_name') === 'C_INTERNET' ? 'IN' : text1(v, 'qclass_name') },
      response_code: text1(v, 'rcode_name'),
      header_flags: (['AA', 'TC', 'RD', 'RA'] as const).filter((flag) => text1(v, flag) === 'T'),
      answers: answers.map((data, i) => compact({ data, ttl: ttls[i] === undefined ? undefined : Math.round(Number(ttls[i])) })),
      resolved_ip: resolved,
    },
    related: { ip: unique([text1(v, 'id.orig_h'), text1(v, 'id.resp_h'), ...resolved]) },
    zeek: { session_id: text1(v, 'uid') },
  });
}

function httpDocument(record: ZeekRecord, timestamp: string): Json {
  const v = record.values;
  const host = text1(v, 'host');
  const status = text1(v, 'status_code');
  return compact({
    '@timestamp': timestamp,
    event: { kind: 'event', category: ['network', 'web'], type: ['connection', 'protocol'], dataset: 'zeek.http', id: text1(v, 'uid'), original: record.line },
    ...endpoints(v),
    destination: { ...endpoints(v).destination, domain: host },
    network: { transport: 'tcp', protocol: 'http' },
    http: {
      version: text1(v, 'version'),
      request: { method: text1(v, 'method'), referrer: text1(v, 'referrer'), body: { bytes: count(v, 'request_body_len') } },
      response: { status_code: status === undefined ? undefined : Number(status), body: { bytes: count(v, 'response_body_len') } },
    },
    url: { original: text1(v, 'uri'), domain: host },
    user_agent: { original: text1(v, 'user_agent') },
    related: { ip: unique([text1(v, 'id.orig_h'), text1(v, 'id.resp_h')]), hosts: unique([host]) },
    zeek: { session_id: text1(v, 'uid') },
  });
}

function endpoints(v: Values): { source: Json; destination: Json } {
  return {
    source: { ip: text1(v, 'id.orig_h'), port: count(v, 'id.orig_p') },
    destination: { ip: text1(v, 'id.resp_h'), port: count(v, 'id.resp_p') },
  };
}

function text1(v: Values, name: string): string | undefined {
  const value = v[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function list(v: Values, name: string): readonly string[] {
  const value = v[name];
  return Array.isArray(value) ? value : [];
}

function count(v: Values, name: string): number | undefined {
  const value = text1(v, name);
  return value === undefined ? undefined : Number(value);
}

function unique(values: readonly (string | undefined)[]): string[] {
  return [...new Set(values.filter((value): value is string => value !== undefined))];
}

/** Drops undefined values, empty lists and objects left empty, recursively. */
function compact<T extends Json>(value: T): T {
  const out: Json = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined || (Array.isArray(item) && item.length === 0)) continue;
    if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
      const inner = compact(item as Json);
      if (Object.keys(inner).length > 0) out[key] = inner;
      continue;
    }
    out[key] = item;
  }
  return out as T;
}
