import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface HttpTlsOptions {
  /** PEM file of the CA that signed the server's certificate (private PKI). */
  readonly caFile?: string;
  /** false only for lab servers with self-signed certificates. Default true. */
  readonly rejectUnauthorized?: boolean;
}

/**
 * A keep-alive agent for `url`'s protocol: for https, TLS verified by default, with the CA from
 * `caFile` when one is given. A CA file that cannot be read is a configuration error: `invalid`
 * builds the owner's own error for it (MispError, FeedError).
 */
export function createHttpAgent(url: URL, tls: HttpTlsOptions, invalid: (message: string, cause: unknown) => Error): HttpAgent | HttpsAgent {
  if (url.protocol !== 'https:') return new HttpAgent({ keepAlive: true });
  let ca: Buffer | undefined;
  if (tls.caFile !== undefined && tls.caFile !== '') {
    try {
      ca = readFileSync(tls.caFile);
    } catch (error) {
      throw invalid(`CA file ${tls.caFile} cannot be read`, error);
    }
  }
  return new HttpsAgent({ keepAlive: true, rejectUnauthorized: tls.rejectUnauthorized ?? true, ...(ca === undefined ? {} : { ca }) });
}

export interface HttpExchangeRequest {
  readonly method: 'GET' | 'POST';
  readonly agent: HttpAgent | HttpsAgent | undefined;
  readonly headers: OutgoingHttpHeaders;
  readonly body?: Buffer;
  /** Basic auth `user:password`; sent, never part of an error or a log line. */
  readonly auth?: string;
  /** One budget for the whole exchange: connect, send, wait, read the full body. */
  readonly timeoutMs: number;
  /** Largest body read; a longer one ends the exchange as `too-large`. */
  readonly maxBodyBytes: number;
}

/**
 * What came of one request, whatever happened — never a rejection, so each owner maps it to its
 * own closed set of errors (classifyMispResponse; FeedError):
 * - `reply`: a complete reply, any status, with its body;
 * - `too-large`: the body went over `maxBodyBytes` (the connection is dropped);
 * - `transport`: no complete reply — refused, reset, TLS failure, or `TIMEOUT` (the budget ran
 *   out, mid-body included: a server that stalls is as unavailable as one that never answers).
 */
export type HttpExchange =
  | { readonly kind: 'reply'; readonly status: number; readonly body: Buffer }
  | { readonly kind: 'too-large'; readonly status: number }
  | { readonly kind: 'transport'; readonly errorCode: string | undefined; readonly message: string };

/** One bounded HTTP(S) request with node:http(s): the exchange both io HTTP owners (MISP, feeds) make. */
export function httpExchange(url: URL, request: HttpExchangeRequest): Promise<HttpExchange> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<HttpExchange>((resolve) => {
    let settled = false;
    const finish = (exchange: HttpExchange): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(exchange);
    };
    const outgoing = send(url, {
      method: request.method,
      agent: request.agent,
      headers: { ...request.headers, ...(request.body === undefined ? {} : { 'Content-Length': request.body.length }) },
      ...(request.auth === undefined ? {} : { auth: request.auth }),
    });
    const timer = setTimeout(() => {
      finish({ kind: 'transport', errorCode: 'TIMEOUT', message: `no complete reply within ${request.timeoutMs} ms` });
      outgoing.destroy();
    }, request.timeoutMs);
    outgoing.on('error', (error: NodeJS.ErrnoException) => finish({ kind: 'transport', errorCode: error.code, message: error.message }));
    outgoing.on('response', (response: IncomingMessage) => {
      const status = response.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > request.maxBodyBytes) {
          finish({ kind: 'too-large', status });
          outgoing.destroy();
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => finish({ kind: 'reply', status, body: Buffer.concat(chunks) }));
      response.on('error', (error: NodeJS.ErrnoException) => finish({ kind: 'transport', errorCode: error.code, message: error.message }));
    });
    outgoing.end(request.body);
  });
}
