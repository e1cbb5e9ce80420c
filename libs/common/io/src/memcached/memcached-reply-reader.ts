import { IoError } from '../io-error';

/** What the command at the head of the pipeline expects back. */
export type MemcachedReplyShape = 'values' | 'line' | 'stats';

export type MemcachedReply =
  /** `VALUE <key> <flags> <bytes>[ <cas>]\r\n<data>\r\n` … `END\r\n` (get, gets). */
  | { readonly type: 'values'; readonly values: Map<string, string> }
  /** One status line: STORED, DELETED, NOT_FOUND, VERSION 1.6.x, OK… */
  | { readonly type: 'line'; readonly line: string }
  /** `STAT <name> <value>\r\n` … `END\r\n`. */
  | { readonly type: 'stats'; readonly stats: Record<string, string> }
  /** `ERROR`, `CLIENT_ERROR <msg>` or `SERVER_ERROR <msg>`; any command may answer one. */
  | { readonly type: 'error'; readonly kind: 'ERROR' | 'CLIENT_ERROR' | 'SERVER_ERROR'; readonly message: string };

const CR = 0x0d;
const LF = 0x0a;
/** Longest status/header line we accept: a VALUE line with a 250-byte key is far shorter. */
const MAX_LINE_BYTES = 8 * 1024;
/** Default cap on one reply (its values and the bytes held for it): MEMCACHED_MAX_REPLY_BYTES. */
export const DEFAULT_MAX_REPLY_BYTES = 16 * 1_048_576;
const ERROR_LINE = /^(ERROR|CLIENT_ERROR|SERVER_ERROR)(?: (.*))?$/;
/** What a VALUE header is (read from the bytes by `valueHeader`; the spec checks both agree). */
export const VALUE_LINE = /^VALUE (\S+) (\d+) (\d+)(?: \d+)?$/;
const VALUE_PREFIX = Buffer.from('VALUE ', 'latin1');
const SPACE = 0x20;

/**
 * Incremental parser for the replies of memcached's text protocol. Bytes arrive in arbitrary TCP
 * pieces (`push`); `next(shape)` returns the head reply once it is complete and keeps partial
 * progress (values already read, a pending VALUE header) between calls, so a reply split across
 * many packets is scanned once. Values are read by their announced byte count, so data
 * containing `\r\n` or `END` is safe. Malformed input throws MEMCACHED_PROTOCOL: the stream can no
 * longer be trusted and the caller must drop the connection.
 *
 * Memory and time stay bounded whatever the server sends: pieces are queued and joined once,
 * when a whole line or value is there (appending each piece to what was held would copy a large
 * value again for every piece: 16 MiB in 64 KiB pieces took 3.9 s), and one reply — the values
 * read so far plus a value announced or held — may take at most `maxReplyBytes`; a larger one
 * throws MEMCACHED_PROTOCOL before its bytes are kept.
 */
export class MemcachedReplyReader {
  /** The piece being read, from `position`; then `queued` pieces (`queuedBytes` in all), not yet joined. */
  private buffer: Buffer = Buffer.alloc(0);
  private position = 0;
  private queued: Buffer[] = [];
  private queuedBytes = 0;
  private values = new Map<string, string>();
  private valueBytes = 0;
  private stats: Record<string, string> = {};
  /** The VALUE header read, whose data has not come yet: its key and byte count (-1: none). */
  private pendingKey = '';
  private pendingBytes = -1;

  constructor(private readonly maxReplyBytes = DEFAULT_MAX_REPLY_BYTES) {}

  push(chunk: Buffer): void {
    if (this.position >= this.buffer.length && this.queued.length === 0) {
      this.buffer = chunk;
      this.position = 0;
    } else {
      this.queued.push(chunk);
      this.queuedBytes += chunk.length;
    }
  }

  /** Bytes received but not yet consumed by a complete reply. */
  get buffered(): number {
    return this.buffer.length - this.position + this.queuedBytes;
  }

  /** Forget everything (after the connection was dropped). */
  reset(): void {
    this.buffer = Buffer.alloc(0);
    this.position = 0;
    this.queued = [];
    this.queuedBytes = 0;
    this.resetReply();
  }

  next(shape: MemcachedReplyShape): MemcachedReply | undefined {
    switch (shape) {
      case 'line': {
        const line = this.readLine();
        if (line === undefined) return undefined;
        return errorReply(line) ?? { type: 'line', line };
      }
      case 'values':
        return this.nextValues();
      case 'stats':
        return this.nextStats();
    }
  }

  private nextValues(): MemcachedReply | undefined {
    for (;;) {
      if (this.pendingBytes >= 0) {
        const data = this.readData(this.pendingBytes);
        if (data === undefined) return undefined;
        this.values.set(this.pendingKey, data);
        this.pendingBytes = -1;
      }
      const end = this.lineEnd();
      if (end === -1) return undefined;
      // the VALUE header read from the bytes (no line string, no match array per value)
      if (this.valueHeader(end)) {
        this.position = end + 2;
        this.valueBytes += this.pendingBytes;
        if (this.valueBytes > this.maxReplyBytes) throw protocolError(`get reply over ${this.maxReplyBytes} bytes (MEMCACHED_MAX_REPLY_BYTES)`);
        continue;
      }
      const line = this.takeLine(end);
      if (line === 'END') {
        const reply: MemcachedReply = { type: 'values', values: this.values };
        this.resetReply();
        return reply;
      }
      const error = errorReply(line);
      if (error && this.values.size === 0) return error;
      throw protocolError(`unexpected line in get reply: ${preview(line)}`);
    }
  }

  /**
   * Whether the line [position, end) is `VALUE <key> <flags> <bytes>[ <cas>]` — exactly what
   * VALUE_LINE matches (the key: bytes other than whitespace as read in latin1; digits 0–9) —
   * and if so its key and byte count, in pendingKey and pendingBytes.
   */
  private valueHeader(end: number): boolean {
    const bytes = this.buffer;
    let at = this.position;
    if (end - at < 11) return false; // `VALUE k 0 0` is the shortest
    for (let i = 0; i < VALUE_PREFIX.length; i++) if (bytes[at + i] !== VALUE_PREFIX[i]) return false;
    at += VALUE_PREFIX.length;
    const keyStart = at;
    while (at < end && !isLatin1Space(bytes[at] as number)) at++;
    const keyEnd = at;
    if (keyEnd === keyStart || bytes[at] !== SPACE) return false;
    at = skipDigits(bytes, at + 1, end);
    if (at === -1 || bytes[at] !== SPACE) return false;
    const countStart = at + 1;
    at = skipDigits(bytes, countStart, end);
    if (at === -1) return false;
    let count = 0;
    for (let i = countStart; i < at; i++) count = count * 10 + ((bytes[i] as number) - 0x30);
    if (at < end) {
      if (bytes[at] !== SPACE || skipDigits(bytes, at + 1, end) !== end) return false;
    }
    this.pendingKey = bytes.toString('latin1', keyStart, keyEnd);
    this.pendingBytes = count;
    return true;
  }

  private nextStats(): MemcachedReply | undefined {
    for (;;) {
      const line = this.readLine();
      if (line === undefined) return undefined;
      if (line === 'END') {
        const reply: MemcachedReply = { type: 'stats', stats: this.stats };
        this.resetReply();
        return reply;
      }
      if (line.startsWith('STAT ')) {
        this.valueBytes += line.length;
        if (this.valueBytes > this.maxReplyBytes) throw protocolError(`stats reply over ${this.maxReplyBytes} bytes (MEMCACHED_MAX_REPLY_BYTES)`);
        const space = line.indexOf(' ', 5);
        if (space > 5) this.stats[line.slice(5, space)] = line.slice(space + 1);
        else this.stats[line.slice(5)] = '';
        continue;
      }
      const error = errorReply(line);
      if (error && Object.keys(this.stats).length === 0) return error;
      throw protocolError(`unexpected line in stats reply: ${preview(line)}`);
    }
  }

  private readLine(): string | undefined {
    const end = this.lineEnd();
    return end === -1 ? undefined : this.takeLine(end);
  }

  /** Where the next CRLF starts (joining the queued pieces if needed), or -1 when it has not come yet. */
  private lineEnd(): number {
    let end = this.buffer.indexOf('\r\n', this.position, 'latin1');
    if (end === -1 && this.queued.length > 0) {
      this.join();
      end = this.buffer.indexOf('\r\n', this.position, 'latin1');
    }
    if (end === -1 && this.buffered > MAX_LINE_BYTES) throw protocolError(`line longer than ${MAX_LINE_BYTES} bytes`);
    return end;
  }

  /** The line up to `end` (a lineEnd), consumed with its CRLF. */
  private takeLine(end: number): string {
    const line = this.buffer.toString('latin1', this.position, end);
    this.position = end + 2;
    return line;
  }

  /** The value's bytes once all of them and their CRLF are there; joins the queued pieces only then. */
  private readData(bytes: number): string | undefined {
    if (this.buffered < bytes + 2) return undefined;
    if (this.buffer.length - this.position < bytes + 2) this.join();
    const end = this.position + bytes;
    if (this.buffer[end] !== CR || this.buffer[end + 1] !== LF) {
      throw protocolError(`value of ${bytes} bytes not followed by CRLF`);
    }
    const data = this.buffer.toString('utf8', this.position, end);
    this.position = end + 2;
    return data;
  }

  /** The unread rest of the current piece and every queued piece, as one Buffer (one copy). */
  private join(): void {
    this.buffer = Buffer.concat([this.buffer.subarray(this.position), ...this.queued]);
    this.position = 0;
    this.queued = [];
    this.queuedBytes = 0;
  }

  private resetReply(): void {
    this.values = new Map();
    this.valueBytes = 0;
    this.stats = {};
    this.pendingKey = '';
    this.pendingBytes = -1;
  }
}

function errorReply(line: string): MemcachedReply | undefined {
  const match = ERROR_LINE.exec(line);
  if (!match) return undefined;
  const kind = match[1] as 'ERROR' | 'CLIENT_ERROR' | 'SERVER_ERROR';
  return { type: 'error', kind, message: match[2] ?? '' };
}

function protocolError(message: string): IoError {
  return new IoError('MEMCACHED_PROTOCOL', message);
}

function preview(line: string): string {
  return JSON.stringify(line.slice(0, 60));
}

/** Whether a byte read as latin1 is whitespace to a regular expression's `\s` (tab to CR, space, NBSP). */
function isLatin1Space(byte: number): boolean {
  return (byte >= 0x09 && byte <= 0x0d) || byte === SPACE || byte === 0xa0;
}

/** The index after a run of at least one ASCII digit from `at`, or -1 when there is none. */
function skipDigits(bytes: Buffer, at: number, end: number): number {
  const start = at;
  while (at < end && (bytes[at] as number) >= 0x30 && (bytes[at] as number) <= 0x39) at++;
  return at === start ? -1 : at;
}
