import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './free-port';
import { pollUntil } from './poll-until';
import { requireTcp } from './require-service';

/**
 * The memcached binary: MEMCACHED_BIN, else the one `scripts/stack.sh` unpacked under
 * IOCFLOW_STACK_DIR (default /var/tmp/iocflow-stack), else `memcached` on the PATH.
 */
export function memcachedBinary(env: NodeJS.ProcessEnv = process.env): string {
  if (env['MEMCACHED_BIN']) return env['MEMCACHED_BIN'];
  const stackDir = env['IOCFLOW_STACK_DIR'] || '/var/tmp/iocflow-stack';
  const unpacked = path.join(stackDir, 'downloads', 'memcached-root', 'usr', 'bin', 'memcached');
  if (existsSync(unpacked)) return unpacked;
  for (const dir of (env['PATH'] ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'memcached');
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error('memcached binary not found: run `npm run stack:up` (it unpacks one) or set MEMCACHED_BIN');
}

/**
 * A throw-away memcached child process on 127.0.0.1 (for outage tests): `stop()` kills it,
 * `start()` brings it back on the same port.
 */
export class MemcachedProcess {
  private child: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  static async start(port?: number): Promise<MemcachedProcess> {
    const instance = new MemcachedProcess(port ?? (await freePort()));
    await instance.start();
    return instance;
  }

  /** The child's pid while it runs (for resource measurements). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get server(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.child) return;
    const binary = memcachedBinary();
    const libDir = path.resolve(path.dirname(binary), '..', 'lib', 'x86_64-linux-gnu');
    const args = ['-l', '127.0.0.1', '-p', String(this.port), '-U', '0', '-m', '64', '-t', '1'];
    if (process.getuid?.() === 0) args.push('-u', 'nobody');
    const child = spawn(binary, args, {
      stdio: 'ignore',
      env: { ...process.env, LD_LIBRARY_PATH: [libDir, process.env['LD_LIBRARY_PATH']].filter(Boolean).join(':') },
    });
    this.child = child;
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    await pollUntil(
      async () => {
        if (!this.child) throw new Error('memcached exited at start');
        await requireTcp('127.0.0.1', this.port, 500);
        return true;
      },
      { timeoutMs: 10_000, description: `memcached on port ${this.port}` },
    );
  }

  /**
   * Freezes the server (SIGSTOP) to simulate a hung memcached, and resolves only once every one of
   * its threads is stopped: `kill` merely queues the signal, so a request written right after it
   * could otherwise still be answered.
   */
  async pause(): Promise<void> {
    const pid = this.requirePid();
    process.kill(pid, 'SIGSTOP');
    await pollUntil(() => allThreadsStopped(pid), { timeoutMs: 5_000, intervalMs: 5, description: `memcached ${pid} stopped` });
  }

  /** Lets a paused server run again (SIGCONT). */
  resume(): void {
    process.kill(this.requirePid(), 'SIGCONT');
  }

  private requirePid(): number {
    const pid = this.child?.pid;
    if (pid === undefined) throw new Error('memcached is not running');
    return pid;
  }

  /** Kills the process (SIGKILL: an abrupt outage) and waits until it has exited. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
    this.child = undefined;
  }
}

/** True when every thread of `pid` is in state T (stopped), read from /proc/<pid>/task/<tid>/stat. */
function allThreadsStopped(pid: number): boolean {
  return readdirSync(`/proc/${pid}/task`).every((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    // The state is the first field after the parenthesised command name.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'T';
  });
}
