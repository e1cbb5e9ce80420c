import { spawn } from 'node:child_process';
import { rdkafkaProperties, type Variant } from './variant';

/**
 * kcat (Debian's, librdkafka 2.0.2): the ceiling. `kcat -C` reads the source from the beginning
 * to its end (-e; no group, no commits) and pipes `key<TAB>value` lines into `kcat -P`, an
 * idempotent producer (acks=all) with the murmur2 partitioner, so every record lands in the
 * partition of the same number as in the source (the source is loaded the same way).
 * CPU is both kcat processes' user + system time, from bash's `times` after the pipeline.
 */
/** Times in wall-clock milliseconds (Date.now), to compare with the records' CreateTimes. */
export interface KcatRun {
  readonly startedAt: number;
  readonly exitedAt: number;
  readonly cpuUs: number;
}

const KCAT = process.env['BENCH_KCAT'] ?? 'kcat';

export function kcatArgs(properties: Readonly<Record<string, string>>): string[] {
  return Object.entries(properties).flatMap(([name, value]) => ['-X', `${name}=${value}`]);
}

function quote(args: readonly string[]): string {
  return args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
}

export async function runKcatPassthrough(brokers: string, source: string, output: string, variant: Variant): Promise<KcatRun> {
  const consume = [KCAT, '-C', '-b', brokers, '-t', source, '-o', 'beginning', '-e', '-q', '-u', '-f', '%k\\t%s\\n', ...kcatArgs(rdkafkaProperties(variant.settings, 'consumer'))];
  const produce = [
    KCAT,
    '-P',
    '-b',
    brokers,
    '-t',
    output,
    '-K',
    '\t',
    '-z',
    variant.compression,
    '-X',
    'enable.idempotence=true',
    '-X',
    'acks=all',
    '-X',
    'partitioner=murmur2_random',
    ...kcatArgs(rdkafkaProperties(variant.settings, 'producer')),
  ];
  const script = `set -o pipefail; ${quote(consume)} | ${quote(produce)}; rc=$?; times; exit $rc`;
  const startedAt = Date.now();
  const child = spawn('bash', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number>((resolve) => child.once('close', (c) => resolve(c ?? 1)));
  // The wall clock, not the monotonic `now()`: the rate is taken from the first record's
  // CreateTime, which kcat stamps from the wall clock, and on this machine the two clocks drift
  // apart by ~5 ms per second (a kcat-only run measured a negative rate).
  const exitedAt = Date.now();
  if (code !== 0) throw new Error(`kcat pipeline exited with ${code}`);
  // `times`: the shell's own user/system time, then its children's (both kcat processes).
  const lines = out.trim().split('\n');
  const children = (lines[lines.length - 1] ?? '').trim().split(/\s+/);
  const seconds = (t: string): number => {
    const m = /^(\d+)m([\d.]+)s$/.exec(t);
    if (!m) throw new Error(`cannot read bash times output ${JSON.stringify(out)}`);
    return Number(m[1]) * 60 + Number(m[2]);
  };
  const cpuUs = (seconds(children[0] ?? '') + seconds(children[1] ?? '')) * 1e6;
  return { startedAt, exitedAt, cpuUs };
}

/** Loads `lines` (`key<TAB>value`) into a topic with kcat, compressed with `compression`. */
export async function kcatLoad(brokers: string, topic: string, compression: string, input: string): Promise<void> {
  const args = ['-P', '-b', brokers, '-t', topic, '-K', '\t', '-z', compression, '-X', 'enable.idempotence=true', '-X', 'acks=all', '-X', 'partitioner=murmur2_random', '-l', input];
  const child = spawn(KCAT, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  const code = await new Promise<number>((resolve) => child.once('close', (c) => resolve(c ?? 1)));
  if (code !== 0) throw new Error(`kcat load of ${topic} exited with ${code}`);
}

/** Reads a whole topic as `partition<TAB>key<TAB>value length<TAB>timestamp` lines. */
export async function kcatReadAll(brokers: string, topic: string, onLine: (line: string) => void): Promise<void> {
  const child = spawn(KCAT, ['-C', '-b', brokers, '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%p\\t%k\\t%S\\t%T\\n'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let rest = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const text = rest + chunk;
    const lines = text.split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) if (line) onLine(line);
  });
  const code = await new Promise<number>((resolve) => child.once('close', (c) => resolve(c ?? 1)));
  if (rest) onLine(rest);
  if (code !== 0) throw new Error(`kcat read of ${topic} exited with ${code}`);
}
