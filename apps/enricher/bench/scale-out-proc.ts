/**
 * `top`-style accounting for the scale-out benchmark, read from Linux /proc:
 * - a process's CPU time is utime + stime of /proc/<pid>/stat (fields 14 and 15, in clock ticks,
 *   all threads of the process), so a JVM's GC and I/O threads count;
 * - the machine's busy time is the first line of /proc/stat (user nice system idle iowait irq
 *   softirq steal …): busy = everything but idle and iowait;
 * - peak RSS is VmHWM of /proc/<pid>/status (the kernel's high-water mark, in kB).
 */
import { readFileSync } from 'node:fs';

/** USER_HZ: 100 on every mainstream Linux build (getconf CLK_TCK). */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) used by a process so far; undefined once it is gone. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Peak resident set size of a live process, MB; undefined once it is gone. */
export function peakRssMb(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

export interface MachineCpu {
  /** CPU seconds spent busy, summed over every core. */
  readonly busy: number;
  /** CPU seconds elapsed, summed over every core (busy + idle + iowait). */
  readonly total: number;
}

export function machineCpu(): MachineCpu {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number) as number[];
  const busy = (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
  return { busy: busy / TICKS_PER_SECOND, total: (busy + (idle ?? 0) + (iowait ?? 0)) / TICKS_PER_SECOND };
}

/** The pid in a pid file (the local stack writes one per service), if the process is alive. */
export function pidFromFile(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && processCpuSeconds(pid) !== undefined ? pid : undefined;
  } catch {
    return undefined;
  }
}
