import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** CPU time (user + system) of another process so far, µs, from /proc/<pid>/stat (clock ticks of 10 ms). */
export function processCpuUs(pid: number | undefined, file = `/proc/${pid}/stat`): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(file, 'utf8');
    // Fields after the command name (which may hold spaces) start at field 3; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return undefined;
  }
}

/**
 * CPU time of each thread of this process so far, µs, by thread id (/proc/self/task): the main
 * thread (id = pid) runs the JavaScript; the others are V8's GC helpers, libuv's pool and, for
 * librdkafka, its broker and main threads.
 */
export function threadsCpuUs(): Map<number, number> {
  const threads = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    const cpu = processCpuUs(Number(tid), `/proc/self/task/${tid}/stat`);
    if (cpu !== undefined) threads.set(Number(tid), cpu);
  }
  return threads;
}

const STACK_DIR = process.env['IOCFLOW_STACK_DIR'] || '/var/tmp/iocflow-stack';

/**
 * Bytes of a topic's log segments in the local stack's Kafka data directory (<data>/<version>/
 * <topic>-<partition>/*.log): what the records take on disk, compression included. Undefined
 * when the directory is not readable (another stack).
 */
export function topicBytesOnDisk(topic: string): number | undefined {
  const root = path.join(STACK_DIR, 'kafka', 'data');
  if (!existsSync(root)) return undefined;
  let bytes = 0;
  for (const version of readdirSync(root)) {
    for (const dir of readdirSync(path.join(root, version))) {
      if (!dir.startsWith(`${topic}-`) || !/^\d+$/.test(dir.slice(topic.length + 1))) continue;
      for (const file of readdirSync(path.join(root, version, dir))) if (file.endsWith('.log')) bytes += statSync(path.join(root, version, dir, file)).size;
    }
  }
  return bytes;
}

/** The stack's Kafka JVM (scripts/stack.sh writes its pid). */
export function brokerPid(): number | undefined {
  const dir = STACK_DIR;
  try {
    const pid = Number(readFileSync(path.join(dir, 'kafka', 'kafka.pid'), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function range(values: readonly number[], format: (n: number) => string): string {
  if (values.length === 0) return '–';
  return `${format(Math.min(...values))}–${format(Math.max(...values))}`;
}

export const thousands = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');
export const oneDecimal = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : '–');
export const twoDecimals = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : '–');
