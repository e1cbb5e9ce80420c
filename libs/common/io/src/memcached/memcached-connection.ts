import { Socket } from 'node:net';
import { backoffDelay } from '@iocflow/core';
import { IoError } from '../io-error';
import type { MemcachedServerAddress, ResolvedMemcachedOptions } from './memcached-options';
import { type MemcachedReply, MemcachedReplyReader, type MemcachedReplyShape } from './memcached-reply-reader';

export interface MemcachedCommand {
  /** The complete command bytes, CRLF included. */
  readonly payload: string | Buffer;
  readonly shape: MemcachedReplyShape;
}

interface PendingCommand {
  readonly shape: MemcachedReplyShape;
  readonly deadline: number;
  resolve(reply: MemcachedReply): void;
  reject(error: IoError): void;
}

type ConnectionOptions = Pick<
  ResolvedMemcachedOptions,
  'connectTimeoutMs' | 'requestTimeoutMs' | 'reconnectInitialDelayMs' | 'reconnectMaxDelayMs'
> &
  Partial<Pick<ResolvedMemcachedOptions, 'maxReplyBytes'>>;

/**
 * One persistent, pipelined TCP connection to one memcached server.
 *
 * Commands are written as soon as they are issued (node buffers them while the socket connects)
 * and their replies come back in the same order, so a FIFO of pending commands is matched against
 * the reply stream. Failure handling, all in one place:
 * - socket error or close: every pending command is rejected with MEMCACHED_UNAVAILABLE;
 * - the head command waits longer than `requestTimeoutMs`: it is rejected with MEMCACHED_TIMEOUT
 *   and the socket is dropped, because a late reply would be matched to the wrong command;
 * - an ERROR/CLIENT_ERROR reply, unparseable bytes or a reply over `maxReplyBytes`:
 *   MEMCACHED_PROTOCOL, socket dropped;
 * - a SERVER_ERROR reply (out of memory, an object too large, a proxy such as mcrouter or
 *   twemproxy that lost its backend): MEMCACHED_REJECTED for that command, the stream stays in sync;
 * - after a failure, commands fail fast with MEMCACHED_UNAVAILABLE until the backoff delay
 *   (core's backoffDelay: doubling from reconnectInitialDelayMs to reconnectMaxDelayMs, with
 *   jitter so that replicas do not reconnect in step) has passed; the first command
 *   after it reconnects. No timer runs while the connection is idle.
 */
export class MemcachedConnection {
  private socket: Socket | undefined;
  private readonly pending: PendingCommand[] = [];
  private pendingHead = 0;
  private readonly reader: MemcachedReplyReader;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private retryAt = 0;
  private lastFailure = '';
  private closed = false;

  constructor(
    readonly server: MemcachedServerAddress,
    private readonly options: ConnectionOptions,
  ) {
    this.reader = new MemcachedReplyReader(options.maxReplyBytes);
  }

  /** True when a socket is open or opening (not in backoff, not closed). */
  get isConnected(): boolean {
    return this.socket !== undefined;
  }

  /** Sends the commands back to back (one write burst) and returns one promise per command. */
  send(commands: readonly MemcachedCommand[]): Promise<MemcachedReply>[] {
    let socket: Socket;
    try {
      socket = this.ensureSocket();
    } catch (error) {
      return commands.map(() => Promise.reject(error));
    }
    const deadline = Date.now() + this.options.requestTimeoutMs;
    const replies = commands.map(
      (command) =>
        new Promise<MemcachedReply>((resolve, reject) => {
          this.pending.push({ shape: command.shape, deadline, resolve, reject });
        }),
    );
    socket.cork();
    for (const command of commands) socket.write(command.payload);
    process.nextTick(() => socket.uncork());
    if (this.timer === undefined) this.armTimer();
    return replies;
  }

  close(): void {
    this.closed = true;
    this.drop(new IoError('CLOSED', `memcached ${this.server.name}: client closed`), false);
  }

  private ensureSocket(): Socket {
    if (this.closed) throw new IoError('CLOSED', `memcached ${this.server.name}: client closed`);
    if (this.socket) return this.socket;
    if (Date.now() < this.retryAt) {
      throw new IoError(
        'MEMCACHED_UNAVAILABLE',
        `memcached ${this.server.name}: in reconnect backoff after: ${this.lastFailure}`,
      );
    }
    const socket = new Socket();
    this.socket = socket;
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    socket.setTimeout(this.options.connectTimeoutMs);
    socket.once('connect', () => {
      socket.setTimeout(0);
      this.failures = 0;
    });
    socket.on('timeout', () => socket.destroy(new Error(`connect timeout after ${this.options.connectTimeoutMs} ms`)));
    socket.on('data', (chunk: Buffer) => this.onData(socket, chunk));
    socket.on('error', (error) => this.onSocketGone(socket, error.message));
    socket.on('close', () => this.onSocketGone(socket, 'connection closed'));
    socket.connect(this.server.port, this.server.host);
    return socket;
  }

  private onData(socket: Socket, chunk: Buffer): void {
    if (socket !== this.socket) return;
    this.reader.push(chunk);
    try {
      while (this.pendingHead < this.pending.length) {
        const head = this.pending[this.pendingHead] as PendingCommand;
        const reply = this.reader.next(head.shape);
        if (reply === undefined) break;
        this.pendingHead++;
        if (reply.type === 'error') {
          this.onErrorReply(head, reply.kind, reply.message);
          if (socket !== this.socket) return;
        } else {
          head.resolve(reply);
        }
      }
    } catch (error) {
      const ioError = error instanceof IoError ? error : new IoError('MEMCACHED_PROTOCOL', String(error));
      this.failHead(ioError);
      return;
    }
    if (this.pendingHead === this.pending.length) {
      if (this.reader.buffered > 0) {
        this.failHead(new IoError('MEMCACHED_PROTOCOL', `memcached ${this.server.name}: unsolicited reply bytes`));
        return;
      }
      this.pending.length = 0;
      this.pendingHead = 0;
    } else if (this.pendingHead > 1024) {
      this.pending.splice(0, this.pendingHead);
      this.pendingHead = 0;
    }
    this.armTimer();
  }

  private onErrorReply(head: PendingCommand, kind: string, message: string): void {
    const text = `memcached ${this.server.name}: ${kind} ${message}`.trim();
    if (kind === 'SERVER_ERROR') {
      // memcached has consumed the whole command (e.g. "object too large for cache"); stream is in sync.
      head.reject(new IoError('MEMCACHED_REJECTED', text));
      return;
    }
    head.reject(new IoError('MEMCACHED_PROTOCOL', text));
    this.drop(new IoError('MEMCACHED_UNAVAILABLE', `${text}; connection reset`), true);
  }

  /** Rejects the head command with `error`, and the rest as UNAVAILABLE, then drops the socket. */
  private failHead(error: IoError): void {
    const head = this.pending[this.pendingHead];
    if (head) {
      this.pendingHead++;
      head.reject(error);
    }
    this.drop(new IoError('MEMCACHED_UNAVAILABLE', `memcached ${this.server.name}: ${error.message}; connection reset`), true);
  }

  private onSocketGone(socket: Socket, reason: string): void {
    if (socket !== this.socket) return;
    this.drop(new IoError('MEMCACHED_UNAVAILABLE', `memcached ${this.server.name}: ${reason}`), true);
  }

  private drop(error: IoError, countAsFailure: boolean): void {
    const socket = this.socket;
    this.socket = undefined;
    socket?.destroy();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.reader.reset();
    const pending = this.pending.splice(this.pendingHead);
    this.pending.length = 0;
    this.pendingHead = 0;
    for (const command of pending) command.reject(error);
    if (countAsFailure && socket) {
      this.failures++;
      this.lastFailure = error.message;
      const delay = backoffDelay(this.failures, this.options.reconnectInitialDelayMs, this.options.reconnectMaxDelayMs, Math.random());
      this.retryAt = Date.now() + delay;
    }
  }

  /** One timer watches the head command only: deadlines are in FIFO order. */
  private armTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const head = this.pending[this.pendingHead];
    if (!head) return;
    this.timer = setTimeout(() => this.onTimer(), Math.max(0, head.deadline - Date.now()));
    this.timer.unref();
  }

  private onTimer(): void {
    this.timer = undefined;
    const head = this.pending[this.pendingHead];
    if (!head) return;
    if (head.deadline > Date.now()) {
      this.armTimer();
      return;
    }
    this.failHead(
      new IoError('MEMCACHED_TIMEOUT', `memcached ${this.server.name}: no reply within ${this.options.requestTimeoutMs} ms`),
    );
  }
}
