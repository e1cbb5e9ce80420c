import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface TcpForwarderOptions {
  /**
   * Kafka mode: the broker advertises its own address in Metadata and FindCoordinator answers,
   * so clients would reconnect around the forwarder. In this mode those answers are rewritten to
   * point at the forwarder's port (the host stays the target host, which must be 127.0.0.1-style
   * loopback; the forwarder listens on the same host).
   */
  readonly kafka?: boolean;
  /** Delay added to every chunk sent towards the target (a slow link / throttled server). */
  readonly delayMs?: number;
}

const KAFKA_METADATA = 3;
const KAFKA_FIND_COORDINATOR = 10;

/**
 * A TCP forwarder in front of a real stack service (Kafka, Elasticsearch), so a test can make it
 * unreachable for the processes it started only — connections reset, then refused — without
 * stopping the shared stack other test runs use. `cut()` closes every connection mid-flight and
 * stops listening; `restore()` listens again on the same port. `setDelay()` throttles it.
 */
export class TcpForwarder {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private port = 0;
  private delayMs: number;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
    private readonly options: TcpForwarderOptions = {},
  ) {
    this.delayMs = options.delayMs ?? 0;
  }

  /** Starts a forwarder on a free port of targetHost. */
  static async start(targetHost: string, targetPort: number, options: TcpForwarderOptions = {}): Promise<TcpForwarder> {
    const forwarder = new TcpForwarder(targetHost, targetPort, options);
    await forwarder.restore();
    return forwarder;
  }

  get hostPort(): string {
    return `${this.targetHost}:${this.port}`;
  }

  get url(): string {
    return `http://${this.targetHost}:${this.port}`;
  }

  get listening(): boolean {
    return this.server !== undefined;
  }

  setDelay(ms: number): void {
    this.delayMs = ms;
  }

  async restore(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => this.forward(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.targetHost, () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private forward(client: Socket): void {
    const upstream = connect({ host: this.targetHost, port: this.targetPort });
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    const rewriter = this.options.kafka ? new KafkaAddressRewriter(this.targetHost, this.targetPort, () => this.port) : undefined;
    // Chunks keep their order: each waits for the one before it (and the delay, when throttled).
    let towardsTarget = Promise.resolve();
    client.on('data', (chunk: Buffer) => {
      rewriter?.request(chunk);
      const delay = this.delayMs;
      towardsTarget = towardsTarget.then(() => (delay > 0 ? new Promise((resolve) => setTimeout(resolve, delay)) : undefined)).then(() => {
        if (!upstream.destroyed) upstream.write(chunk);
      });
    });
    upstream.on('data', (chunk: Buffer) => {
      for (const out of rewriter ? rewriter.response(chunk) : [chunk]) if (!client.destroyed) client.write(out);
    });
  }
}

/**
 * Follows one Kafka connection: request frames (`size, api_key, api_version, correlation_id`)
 * say which correlation ids are Metadata/FindCoordinator calls; in their response frames
 * (`size, correlation_id, …`) every `<host><int32 targetPort>` becomes `<host><int32 ourPort>`.
 * Same length, so frame sizes do not change. Works for both string encodings (int16 and compact
 * lengths) because only the bytes after the host are touched.
 */
class KafkaAddressRewriter {
  private readonly rewrite = new Set<number>();
  private requestBuffer = Buffer.alloc(0);
  private responseBuffer = Buffer.alloc(0);
  private readonly host: Buffer;

  constructor(
    host: string,
    private readonly targetPort: number,
    private readonly ourPort: () => number,
  ) {
    this.host = Buffer.from(host, 'utf8');
  }

  request(chunk: Buffer): void {
    // A request larger than what has arrived: its header was read, its body is passed over.
    if (this.pendingSkip > 0) {
      if (chunk.length <= this.pendingSkip) {
        this.pendingSkip -= chunk.length;
        return;
      }
      chunk = chunk.subarray(this.pendingSkip);
      this.pendingSkip = 0;
    }
    this.requestBuffer = Buffer.concat([this.requestBuffer, chunk]);
    while (this.requestBuffer.length >= 12) {
      const size = this.requestBuffer.readInt32BE(0);
      const apiKey = this.requestBuffer.readInt16BE(4);
      const correlationId = this.requestBuffer.readInt32BE(8);
      if (apiKey === KAFKA_METADATA || apiKey === KAFKA_FIND_COORDINATOR) this.rewrite.add(correlationId);
      if (this.requestBuffer.length < 4 + size) {
        this.pendingSkip = 4 + size - this.requestBuffer.length;
        this.requestBuffer = Buffer.alloc(0);
        return;
      }
      this.requestBuffer = this.requestBuffer.subarray(4 + size);
    }
  }

  private pendingSkip = 0;

  /** Whole response frames, rewritten where needed; a partial frame waits for the next chunk. */
  response(chunk: Buffer): Buffer[] {
    this.responseBuffer = Buffer.concat([this.responseBuffer, chunk]);
    const out: Buffer[] = [];
    while (this.responseBuffer.length >= 8) {
      const size = this.responseBuffer.readInt32BE(0);
      if (this.responseBuffer.length < 4 + size) break;
      const frame = Buffer.from(this.responseBuffer.subarray(0, 4 + size));
      this.responseBuffer = this.responseBuffer.subarray(4 + size);
      const correlationId = frame.readInt32BE(4);
      if (this.rewrite.delete(correlationId)) this.rewritePorts(frame);
      out.push(frame);
    }
    return out;
  }

  private rewritePorts(frame: Buffer): void {
    for (let at = frame.indexOf(this.host, 8); at >= 0; at = frame.indexOf(this.host, at + 1)) {
      const portAt = at + this.host.length;
      if (portAt + 4 <= frame.length && frame.readInt32BE(portAt) === this.targetPort) frame.writeInt32BE(this.ourPort(), portAt);
    }
  }
}
