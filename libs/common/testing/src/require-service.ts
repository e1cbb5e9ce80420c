import { connect } from 'node:net';
import { stackEndpoints } from './stack-endpoints';

export type StackService = 'kafka' | 'memcached' | 'elasticsearch';

/**
 * Throws a clear error when a stack service does not accept TCP connections, so an integration
 * suite fails loudly (never skips) with what to do about it. Call it in `beforeAll`.
 */
export async function requireService(service: StackService, timeoutMs = 3000): Promise<void> {
  const endpoints = stackEndpoints();
  const target =
    service === 'kafka'
      ? firstHostPort(endpoints.kafkaBrokers)
      : service === 'memcached'
        ? firstHostPort(endpoints.memcachedServers)
        : urlHostPort(endpoints.elasticsearchUrl);
  try {
    await requireTcp(target.host, target.port, timeoutMs);
  } catch (error) {
    throw new Error(
      `${service} is not reachable at ${target.host}:${target.port} (${(error as Error).message}). ` +
        `Integration tests need the real local stack: run \`npm run stack:up\` (status: \`npm run stack:status\`).`,
    );
  }
}

function firstHostPort(list: string): { host: string; port: number } {
  const first = (list.split(',')[0] ?? '').trim();
  const colon = first.lastIndexOf(':');
  return { host: first.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port: Number(first.slice(colon + 1)) };
}

function urlHostPort(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  const port = parsed.port ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80;
  return { host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'), port };
}

/** Resolves once a TCP connection to host:port opens; rejects on error or after timeoutMs. */
export function requireTcp(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no connection within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.end();
      resolve();
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
