import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pollUntil } from './poll-until';

/** The repository root (this file is libs/common/testing/src/service-process.ts). */
export const REPO_ROOT = path.resolve(__dirname, '../../../..');

export type ServiceApp = 'misp-sync' | 'enricher' | 'indexer' | 'hunter';

/**
 * The built bundle of an app; end-to-end and fault tests run the real artefact, as users do.
 * IOCFLOW_DIST_DIR points at another build (e.g. a snapshot of dist/, so a long run is not
 * changed under it by a rebuild in the same work tree).
 */
export function appBundle(app: ServiceApp): string {
  const bundle = path.join(process.env['IOCFLOW_DIST_DIR'] || path.join(REPO_ROOT, 'dist'), 'apps', app, 'main.js');
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run \`npm run build\` first (npm test does)`);
  return bundle;
}

/**
 * One service running as a child process of the test, with its output kept for the failure
 * message. `stop()` sends SIGTERM (the graceful path) and resolves with the exit code; `kill()`
 * is SIGKILL (a crash: nothing drained, nothing committed).
 */
export class ServiceProcess {
  private readonly output: string[] = [];
  private readonly exited: Promise<number | null>;
  private peakRssKb = 0;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => this.output.push(chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => this.output.push(chunk.toString('utf8')));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static start(app: ServiceApp, env: NodeJS.ProcessEnv, args: readonly string[] = [], name: string = app): ServiceProcess {
    const child = spawn(process.execPath, [appBundle(app), ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    return new ServiceProcess(name, child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  logs(): string {
    return this.output.join('');
  }

  /**
   * Peak resident set size in kB (`VmHWM` of /proc/<pid>/status), read now and remembered, so
   * the last value survives the process: call it before stopping the service.
   */
  peakRss(): number {
    if (this.running && this.child.pid !== undefined) {
      try {
        const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${this.child.pid}/status`, 'utf8'));
        if (match) this.peakRssKb = Math.max(this.peakRssKb, Number(match[1]));
      } catch {
        // The process ended between the check and the read: keep the last value.
      }
    }
    return this.peakRssKb;
  }

  /** Resolves with the exit code once the process ends on its own (e.g. `--once`). */
  async finished(timeoutMs: number): Promise<number | null> {
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${this.name} did not exit within ${timeoutMs} ms:\n${this.logs()}`)), timeoutMs).unref(),
    );
    return Promise.race([this.exited, timeout]);
  }

  async waitReady(port: number, timeoutMs = 60_000): Promise<void> {
    await pollUntil(
      async () => {
        if (!this.running) throw new Error(`${this.name} exited with ${this.child.exitCode ?? this.child.signalCode}:\n${this.logs()}`);
        const response = await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined);
        return response?.status === 200;
      },
      { timeoutMs, intervalMs: 250, description: `${this.name} ready on :${port}` },
    );
  }

  async stop(timeoutMs = 30_000): Promise<number | null> {
    if (this.running) this.child.kill('SIGTERM');
    return this.finished(timeoutMs);
  }

  /** SIGKILL, then waits until the process is gone (so a restart never overlaps it). */
  async kill(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await this.exited;
  }
}
