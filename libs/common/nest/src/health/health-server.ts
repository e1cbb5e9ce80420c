import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { LivenessRegistry } from './liveness';
import type { ReadinessRegistry } from './readiness';

export interface HealthServerOptions {
  readonly host: string;
  /** 0 picks a free port (tests); the chosen port is reported by `address()`. */
  readonly port: number;
}

/**
 * The only HTTP a service serves: liveness, readiness and Prometheus metrics.
 *   GET /health/live   200 while the process runs and every liveness check passes, else 503
 *                      (body says which): a component stopped for good, restart the process
 *   GET /health/ready  200 when every readiness check passes, else 503 (body says which)
 *   GET /metrics       Prometheus text format
 */
export class HealthServer {
  private server: Server | undefined;

  constructor(
    private readonly options: HealthServerOptions,
    private readonly readiness: ReadinessRegistry,
    private readonly metrics: Registry,
    private readonly liveness: LivenessRegistry = new LivenessRegistry(),
  ) {}

  async start(): Promise<AddressInfo> {
    const server = createServer((request, response) => void this.handle(request, response));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => resolve());
    });
    return server.address() as AddressInfo;
  }

  address(): AddressInfo | undefined {
    return (this.server?.address() as AddressInfo | null) ?? undefined;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?', 1)[0];
    if (request.method !== 'GET') return send(response, 405, 'text/plain', 'method not allowed\n');
    switch (path) {
      case '/health/live': {
        const state = this.liveness.evaluate();
        return send(response, state.live ? 200 : 503, 'application/json', `${JSON.stringify({ status: state.live ? 'live' : 'dead', checks: state.checks })}\n`);
      }
      case '/health/ready': {
        const state = this.readiness.evaluate();
        return send(response, state.ready ? 200 : 503, 'application/json', `${JSON.stringify(state)}\n`);
      }
      case '/metrics':
        try {
          return send(response, 200, this.metrics.contentType, await this.metrics.metrics());
        } catch (error) {
          return send(response, 500, 'text/plain', `metrics unavailable: ${(error as Error).message}\n`);
        }
      default:
        return send(response, 404, 'text/plain', 'not found\n');
    }
  }
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  response.end(body);
}
