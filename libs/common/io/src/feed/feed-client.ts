import { readFile, stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
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
 * The owner of a feed's files: reads them over http(s) (TLS verified by default, a private CA,
 * keep-alive across the event files of one poll) or from the file system. Every failure is a
 * FeedError whose code says whether reading again can help. Credentials in the URL are sent
 * (basic auth) but never logged: errors name files, not the URL.
 */
export class FeedClient {
  private readonly location: Location;
  private readonly agent: HttpAgent | HttpsAgent | undefined;

  constructor(private readonly options: FeedClientOptions) {
    this.location = parseLocation(options.location);
    if (this.location.kind !== 'http') return;
    if (this.location.url.protocol === 'https:') {
      let ca: Buffer | undefined;
      if (options.caFile !== undefined) {
        try {
          ca = readFileSync(options.caFile);
        } catch (error) {
          throw new FeedError('FEED_INVALID_CONFIG', `CA file ${options.caFile} cannot be read`, { cause: error });
        }
      }
      this.agent = new HttpsAgent({ keepAlive: true, rejectUnauthorized: options.rejectUnauthorized ?? true, ...(ca === undefined ? {} : { ca }) });
    } else {
      this.agent = new HttpAgent({ keepAlive: true });
    }
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

  private get(url: URL, label: string): Promise<string> {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const maxBytes = this.options.maxBytes ?? MAX_BYTES;
    return new Promise<string>((resolve, reject) => {
      let settled = false;
      const finish = (error: FeedError | undefined, text?: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error === undefined) resolve(text ?? '');
        else reject(error);
      };
      const auth = url.username === '' ? undefined : `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
      const target = new URL(url.href);
      target.username = '';
      target.password = '';
      const request = send(target, { method: 'GET', agent: this.agent, headers: { 'User-Agent': USER_AGENT, Accept: '*/*' }, ...(auth === undefined ? {} : { auth }) });
      // One budget for the whole exchange: a server that stalls mid-body is as unavailable as a silent one.
      const timer = setTimeout(() => {
        finish(new FeedError('FEED_UNAVAILABLE', `${label}: no complete reply within ${this.options.timeoutMs} ms`));
        request.destroy();
      }, this.options.timeoutMs);
      request.on('error', (error: NodeJS.ErrnoException) => finish(new FeedError('FEED_UNAVAILABLE', `${label}: ${error.code ?? error.message}`, { cause: error })));
      request.on('response', (response: IncomingMessage) => {
        const status = response.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          response.resume();
          finish(new FeedError(feedErrorCodeForStatus(status), `${label}: HTTP ${status}`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            finish(new FeedError('FEED_TOO_LARGE', `${label}: more than ${maxBytes} bytes`));
            request.destroy();
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => finish(undefined, Buffer.concat(chunks).toString('utf8')));
        response.on('error', (error: NodeJS.ErrnoException) => finish(new FeedError('FEED_UNAVAILABLE', `${label}: ${error.code ?? error.message}`, { cause: error })));
      });
      request.end();
    });
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
