import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort, memcachedBinary, pollUntil, requireTcp } from '@iocflow/testing';

/**
 * A memcached process of the bench's own on 127.0.0.1 with the given server flags (`-m 256 -M`…),
 * for measurements that must not touch the shared stack's memcached: filling it, stopping it,
 * freezing it. Killed when the bench exits, also half-way.
 */
export class PrivateMemcached {
  private constructor(
    readonly port: number,
    private readonly child: ChildProcess,
  ) {}

  /** Starts one on a free port, or on `port` (to bring a stopped one back where its clients look). */
  static async start(flags: readonly string[], port?: number): Promise<PrivateMemcached> {
    port ??= await freePort();
    const binary = memcachedBinary();
    const libDir = path.resolve(path.dirname(binary), '..', 'lib', 'x86_64-linux-gnu');
    const args = ['-l', '127.0.0.1', '-p', String(port), '-U', '0', ...flags];
    if (process.getuid?.() === 0) args.push('-u', 'nobody');
    const child = spawn(binary, args, { stdio: 'ignore', env: { ...process.env, LD_LIBRARY_PATH: [libDir, process.env['LD_LIBRARY_PATH']].filter(Boolean).join(':') } });
    process.once('exit', () => child.kill('SIGKILL'));
    await pollUntil(async () => (await requireTcp('127.0.0.1', port, 500), true), { timeoutMs: 10_000, description: `bench memcached on ${port}` });
    return new PrivateMemcached(port, child);
  }

  get server(): string {
    return `127.0.0.1:${this.port}`;
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('memcached has no pid');
    return this.child.pid;
  }

  /** Resident and peak resident memory of the process, in bytes (VmRSS, VmHWM of /proc/<pid>/status). */
  memory(): { rss: number; peak: number } {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  }

  /** SIGSTOP, resolved once every thread is stopped (`kill` only queues the signal). */
  async pause(): Promise<void> {
    process.kill(this.pid, 'SIGSTOP');
    await pollUntil(() => allThreadsStopped(this.pid), { timeoutMs: 5_000, intervalMs: 5, description: `memcached ${this.pid} stopped` });
  }

  resume(): void {
    process.kill(this.pid, 'SIGCONT');
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGKILL');
    await exited;
  }
}

/** True when every thread of `pid` is in state T (stopped), from /proc/<pid>/task/<tid>/stat. */
function allThreadsStopped(pid: number): boolean {
  return readdirSync(`/proc/${pid}/task`).every((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2) === 'T';
  });
}
