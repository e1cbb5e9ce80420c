import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pollUntil } from '@iocflow/testing';

export const REPO_ROOT = path.resolve(__dirname, '../../../..');

/** The built bundle of an app; end-to-end tests run the real artefact, as users do. */
export function appBundle(app: 'misp-sync' | 'enricher' | 'indexer'): string {
  const bundle = path.join(REPO_ROOT, 'dist', 'apps', app, 'main.js');
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run \`npm run build\` first (npm test does)`);
  return bundle;
}

/**
 * One service running as a child process of the test, with its output kept for the failure
 * message. `stop()` sends SIGTERM (the graceful path) and resolves with the exit code.
 */
export class ServiceProcess {
  private readonly output: string[] = [];
  private readonly exited: Promise<number | null>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => this.output.push(chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => this.output.push(chunk.toString('utf8')));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static start(app: 'misp-sync' | 'enricher' | 'indexer', env: NodeJS.ProcessEnv, args: readonly string[] = []): ServiceProcess {
    const child = spawn(process.execPath, [appBundle(app), ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    return new ServiceProcess(app, child);
  }

  logs(): string {
    return this.output.join('');
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
        if (this.child.exitCode !== null) throw new Error(`${this.name} exited with ${this.child.exitCode}:\n${this.logs()}`);
        const response = await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined);
        return response?.status === 200;
      },
      { timeoutMs, intervalMs: 250, description: `${this.name} ready on :${port}` },
    );
  }

  async stop(timeoutMs = 30_000): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    return this.finished(timeoutMs);
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}
