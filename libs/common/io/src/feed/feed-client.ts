import { readFile, stat } from 'node:fs/promises';
import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHttpAgent, httpExchange } from '../http/http-exchange';
import { FeedError, feedErrorCodeForStatus } from './feed-error';

export interface FeedClientOptions {
  /** http(s) URL, `file://` URL or a plain path: a directory (MISP feeds) or a file (CSV, freetext). */
  readonly location: string;
  /** Whole-request budget per file. */
  readonly timeoutMs: number;
  /** PEM CA for the feed server's certificate. */
  readonly caFile?: string;
  /** false only for lab servers. Default true. */
  readonly rejectUnauthorized?: boolean;
  readonly maxBytes?: number;
}

/** The files this client reads; `read()` without a name reads the location itself. */
export type FeedReadPort = Pick<FeedClient, 'read'>;

const USER_AGENT = 'iocflow-misp-sync';
const MAX_BYTES = 256 * 1024 * 1024;

type Location = { readonly kind: 'http'; readonly url: URL } | { readonly kind: 'file'; readonly path: string };

function parseLocation(location: string): Location {
  if (/^https?:\/\//i.test(location)) {
    try {
      return { kind: 'http', url: new URL(location) };
    } catch {
      throw new FeedError('FEED_INVALID_CONFIG', 'FEED_URL is not a valid URL');
    }
  }
  if (/^file:\/\//i.test(location)) return { kind: 'file', path: fileURLToPath(location) };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) throw new FeedError('FEED_INVALID_CONFIG', 'FEED_URL must be http(s)://, file:// or a path');
  return { kind: 'file', path: path.resolve(location) };
}

/**
 * The owner of a feed's files: reads them over http(s) through io's httpExchange (TLS verified by
 * default, a private CA, keep-alive across the event files of one poll; shared with MispClient) or
 * from the file system. Every failure is a
 * FeedError whose code says whether reading again can help. Credentials in the URL are sent
 * (basic auth) but never logged: errors name files, not the URL.
 */
export class FeedClient {
  private readonly location: Location;
  private readonly agent: HttpAgent | HttpsAgent | undefined;

  constructor(private readonly options: FeedClientOptions) {
    this.location = parseLocation(options.location);
    if (this.location.kind !== 'http') return;
    this.agent = createHttpAgent(this.location.url, options, (message, cause) => new FeedError('FEED_INVALID_CONFIG', message, { cause }));
  }

  /**
   * The text of `name` inside the feed (a MISP feed's `manifest.json`, `<uuid>.json`), or of the
   * location itself when `name` is undefined (a CSV or freetext file). A location naming
   * `manifest.json` is read as its directory.
   */
  async read(name?: string): Promise<string> {
    if (this.location.kind === 'file') return this.readFile(name === undefined ? this.location.path : path.join(feedDirectory(this.location.path), name));
    const base = this.location.url;
    const url = name === undefined ? base : new URL(name, feedDirectoryUrl(base));
    return this.get(url, name ?? path.posix.basename(base.pathname));
  }

  close(): void {
    this.agent?.destroy();
  }

  private async readFile(file: string): Promise<string> {
    try {
      const info = await stat(file);
      if (info.size > (this.options.maxBytes ?? MAX_BYTES)) throw new FeedError('FEED_TOO_LARGE', `${path.basename(file)} is ${info.size} bytes`);
      return await readFile(file, 'utf8');
    } catch (error) {
      if (error instanceof FeedError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      throw new FeedError(code === 'ENOENT' ? 'FEED_NOT_FOUND' : 'FEED_UNAVAILABLE', `${file}: ${code ?? 'read failed'}`, { cause: error });
    }
  }

  private async get(url: URL, label: string): Promise<string> {
    const maxBytes = this.options.maxBytes ?? MAX_BYTES;
    const auth = url.username === '' ? undefined : `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    const target = new URL(url.href);
    target.username = '';
    target.password = '';
    const exchange = await httpExchange(target, {
      method: 'GET',
      agent: this.agent,
      headers: { 'User-Agent': USER_AGENT, Accept: '*/*' },
      ...(auth === undefined ? {} : { auth }),
      timeoutMs: this.options.timeoutMs,
      maxBodyBytes: maxBytes,
    });
    // the error code (ECONNREFUSED, CERT_HAS_EXPIRED…), or what the timeout says
    if (exchange.kind === 'transport') throw new FeedError('FEED_UNAVAILABLE', `${label}: ${exchange.errorCode === 'TIMEOUT' || exchange.errorCode === undefined ? exchange.message : exchange.errorCode}`);
    if (exchange.status < 200 || exchange.status >= 300) throw new FeedError(feedErrorCodeForStatus(exchange.status), `${label}: HTTP ${exchange.status}`);
    if (exchange.kind === 'too-large') throw new FeedError('FEED_TOO_LARGE', `${label}: more than ${maxBytes} bytes`);
    return exchange.body.toString('utf8');
  }
}

/** A MISP feed location may name the directory or its `manifest.json`. */
function feedDirectory(location: string): string {
  return path.basename(location) === 'manifest.json' ? path.dirname(location) : location;
}

function feedDirectoryUrl(url: URL): URL {
  const directory = new URL(url.href);
  directory.search = '';
  if (directory.pathname.endsWith('/manifest.json')) directory.pathname = directory.pathname.slice(0, -'manifest.json'.length);
  else if (!directory.pathname.endsWith('/')) directory.pathname += '/';
  return directory;
}
