import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './producer-doc';
import { zeekTsvToJson } from './zeek-tsv-to-json';

/**
 * Real logs of the sources docs/producers.md covers, from test/fixtures (origin and licence in
 * test/fixtures/SOURCES.md), shaped as the producers deliver them.
 */
const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures');
const read = (relative: string): string => readFileSync(path.join(FIXTURES, relative), 'utf8');

/** One raw-logs record value (a JSON object's text) and where it came from. */
export interface SourceEvent {
  readonly origin: string;
  readonly line: string;
}

/** The Zeek baselines used; their traces are masked, so each record gets this time as `ts`. */
const ZEEK_LOGS = [
  'zeek/testing/btest/Baseline/opt.basic/conn.log',
  'zeek/testing/btest/Baseline/opt.basic/dns.log',
  'zeek/testing/btest/Baseline/opt.basic/http.log',
  'zeek/testing/btest/Baseline/scripts.base.protocols.ssl.basic/ssl.log',
  'zeek/testing/btest/Baseline/scripts.base.frameworks.file-analysis.logging/files.log',
];
const ZEEK_MASKED_TIME = 1_300_475_167.096535;

/** Zeek's TSV baselines as Zeek writes them with JSON logs on (zeek-tsv-to-json.ts). */
export function zeekJsonEvents(): SourceEvent[] {
  return ZEEK_LOGS.flatMap((file) => {
    const log = zeekTsvToJson(read(file), ZEEK_MASKED_TIME);
    return log.lines.map((line, i) => ({ origin: `zeek ${log.path}.log #${i + 1}`, line }));
  });
}

/** Suricata EVE, one JSON object per line, as Suricata writes it. */
export function suricataEveEvents(): SourceEvent[] {
  return read('tenzir/integration/data/suricata/eve.json')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => ({ origin: `suricata eve.json #${i + 1}`, line }));
}

/**
 * Real syslog lines as a syslog sender puts them on the wire (RFC 3164, newline-framed TCP):
 *
 * - sshd/sudo/useradd lines of a Linux auth log (already "timestamp host tag: message"), with the
 *   priority an auth daemon logs at, `<38>` (auth.info);
 * - a Zscaler NSS firewall line in LEEF (already "timestamp tag: message"), `<134>` (local0.info);
 * - Santa's own log lines, which Santa writes to a file, sent the way `logger -t santad` sends a
 *   file's lines: `<134>`, an RFC 3164 header with the line's time, host `santa-host`, tag `santad`.
 */
export function syslogMessages(): SourceEvent[] {
  const lines = (relative: string): string[] => read(relative).split('\n').filter((line) => line.trim() !== '');
  return [
    ...lines('elastic-beats/filebeat/module/system/auth/test/test.log').map((line, i) => ({ origin: `auth.log #${i + 1}`, line: `<38>${line}` })),
    ...lines('tenzir/integration/data/inputs/syslog/zscaler-nss.log').map((line, i) => ({ origin: `zscaler-nss.log #${i + 1}`, line: `<134>${line}` })),
    ...lines('elastic-beats/filebeat/module/santa/log/test/santa.log').map((line, i) => ({ origin: `santa.log #${i + 1}`, line: `<134>${rfc3164Header(line)} santa-host santad: ${line}` })),
  ];
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `[2018-12-10T06:45:16.802Z] …` → `Dec 10 06:45:16` (RFC 3164: month, space-padded day, time). */
function rfc3164Header(line: string): string {
  const match = /^\[(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2}:\d{2})/.exec(line);
  if (match === null) throw new Error(`not a Santa log line: ${line.slice(0, 60)}`);
  return `${MONTHS[Number(match[2]) - 1]} ${String(Number(match[3])).padStart(2, ' ')} ${match[4]}`;
}
