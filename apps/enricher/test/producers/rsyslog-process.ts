import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, pollUntil, requireTcp } from '@iocflow/testing';

/** Where Debian-family systems keep rsyslog's modules (omkafka.so comes with rsyslog-kafka). */
const MODULE_DIRS = ['/usr/lib/x86_64-linux-gnu/rsyslog', '/usr/lib/aarch64-linux-gnu/rsyslog', '/usr/lib/rsyslog', '/usr/lib64/rsyslog'];
const INSTALL = 'install them as root with `apt-get install -y rsyslog rsyslog-kafka` (npm test does: scripts/ensure-rsyslog.sh)';

/** rsyslogd's path, or an error saying what to install: this test never skips. */
export function requireRsyslog(): string {
  const candidates = [...(process.env['PATH'] ?? '').split(path.delimiter).map((dir) => path.join(dir, 'rsyslogd')), '/usr/sbin/rsyslogd'];
  const binary = candidates.find((candidate) => existsSync(candidate));
  if (binary === undefined) throw new Error(`rsyslogd is not installed: ${INSTALL}`);
  if (!MODULE_DIRS.some((dir) => existsSync(path.join(dir, 'omkafka.so')))) throw new Error(`rsyslog's Kafka output (omkafka.so) is not installed: ${INSTALL}`);
  return binary;
}

/**
 * A private rsyslogd, run as the test's user (never the system daemon): its own work directory,
 * config and pid file, a TCP syslog input (imtcp) on a free port of 127.0.0.1 bound to the given
 * ruleset, and `rulesetConfig` (the document's configuration) included as it is.
 */
export class RsyslogProcess {
  private readonly output: string[] = [];

  private constructor(
    readonly port: number,
    private readonly directory: string,
    private readonly child: ChildProcess,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => this.output.push(chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => this.output.push(chunk.toString('utf8')));
  }

  static async start(rulesetConfig: string, ruleset: string): Promise<RsyslogProcess> {
    const binary = requireRsyslog();
    const port = await freePort();
    const directory = mkdtempSync(path.join(tmpdir(), 'iocflow-rsyslog-'));
    writeFileSync(path.join(directory, 'iocflow.conf'), rulesetConfig);
    writeFileSync(
      path.join(directory, 'rsyslog.conf'),
      [
        `global(workDirectory="${directory}" processInternalMessages="on")`,
        'module(load="imtcp")',
        `input(type="imtcp" address="127.0.0.1" port="${port}" ruleset="${ruleset}")`,
        // rsyslog's own messages (omkafka errors among them), for the failure message.
        `syslog.* action(type="omfile" file="${path.join(directory, 'rsyslogd.log')}")`,
        `include(file="${path.join(directory, 'iocflow.conf')}")`,
        '',
      ].join('\n'),
    );
    const check = spawn(binary, ['-N1', '-f', path.join(directory, 'rsyslog.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    const checkOutput: string[] = [];
    check.stdout?.on('data', (chunk: Buffer) => checkOutput.push(chunk.toString()));
    check.stderr?.on('data', (chunk: Buffer) => checkOutput.push(chunk.toString()));
    const valid = await new Promise<number | null>((resolve) => check.once('exit', resolve));
    if (valid !== 0) throw new Error(`rsyslogd refuses the configuration (rsyslogd -N1):\n${checkOutput.join('')}`);
    // -n: stay in the foreground (a child of the test); -i: our own pid file.
    const child = spawn(binary, ['-n', '-f', path.join(directory, 'rsyslog.conf'), '-i', path.join(directory, 'rsyslogd.pid')], { stdio: ['ignore', 'pipe', 'pipe'] });
    const instance = new RsyslogProcess(port, directory, child);
    await pollUntil(
      async () => {
        if (child.exitCode !== null) throw new Error(`rsyslogd exited with ${child.exitCode}:\n${instance.logs()}`);
        await requireTcp('127.0.0.1', port, 500);
        return true;
      },
      { timeoutMs: 15_000, description: `rsyslogd listening on ${port}` },
    );
    return instance;
  }

  /** What rsyslogd printed and logged about itself. */
  logs(): string {
    const internal = path.join(this.directory, 'rsyslogd.log');
    return this.output.join('') + (existsSync(internal) ? readFileSync(internal, 'utf8') : '');
  }

  /** Sends syslog messages (each a line, `<PRI>` included) over one TCP connection, newline-framed. */
  async send(lines: readonly string[]): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: this.port }, () => socket.end(lines.map((line) => `${line}\n`).join(''), resolve));
      socket.once('error', reject);
    });
  }

  /** SIGTERM (rsyslog flushes its queues), then removes the work directory. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.directory, { recursive: true, force: true });
  }
}
