import { LookupRulesError } from './lookup-rules.error';

/** One entry of the memcached filter's `get` hash: the key template and the event field the value goes to. */
export interface LogstashGetEntry {
  /** The memcached key as written, unquoted: `domain-%{[destination][domain]}`. */
  readonly key: string;
  /** The target field as written: `[misp_src]`. */
  readonly target: string;
  /** `line L column C` of the entry, for errors. */
  readonly where: string;
}

/**
 * Reads the Logstash memcached filter's `get` option as it is written in a Logstash config —
 * `get => { "domain-%{[destination][domain]}" => "[misp_src]" }`, or the hash `{ … }` alone —
 * following the Logstash config grammar (logstash-core's grammar.treetop) for what can appear
 * there: hash entries `key => value` separated by white space (no commas), `#` comments to the end
 * of a line wherever white space may be, double- or single-quoted strings in which a backslash
 * before the quote does not end the string (kept as written: Logstash does not unescape by
 * default), barewords `[A-Za-z_][A-Za-z0-9_]+`. Anything else is refused with the line and column.
 */
export function parseLogstashGetHash(text: string): LogstashGetEntry[] {
  return new GetHashReader(text).read();
}

/** Whether a rules document is meant as Logstash config: it starts (after white space and `#` comments) with `get` or `{` and has a `=>`. */
export function looksLikeLogstash(text: string): boolean {
  const reader = new GetHashReader(text);
  reader.skipSpace();
  const rest = reader.remaining();
  return /^(get\b|["']get["']|#)/.test(rest) || (rest.startsWith('{') && text.includes('=>'));
}

class GetHashReader {
  private at = 0;

  constructor(private readonly text: string) {}

  remaining(): string {
    return this.text.slice(this.at);
  }

  read(): LogstashGetEntry[] {
    this.skipSpace();
    // Optional `get =>` (the option name may be a bareword or a string, as any attribute name).
    if (this.text.startsWith('get', this.at) || /^["']get["']/.test(this.remaining())) {
      const name = this.peek() === 'g' ? this.bareword() : this.string();
      if (name !== 'get') this.fail(`expected the memcached filter's get option, found ${JSON.stringify(name)}`);
      this.skipSpace();
      this.expect('=>', 'after get');
      this.skipSpace();
    }
    this.expect('{', 'to open the get hash');
    const entries: LogstashGetEntry[] = [];
    for (;;) {
      this.skipSpace();
      if (this.peek() === '}') break;
      if (this.peek() === ',') this.fail('Logstash separates hash entries with white space, not commas');
      if (this.peek() === undefined) this.fail('the get hash is not closed with }');
      const where = this.position();
      const quote = this.peek();
      if (quote !== '"' && quote !== "'") this.fail('expected a quoted key like "domain-%{[destination][domain]}"');
      const key = this.string();
      this.skipSpace();
      this.expect('=>', 'after the key');
      this.skipSpace();
      const next = this.peek();
      const target = next === '"' || next === "'" ? this.string() : next !== undefined && /[A-Za-z_]/.test(next) ? this.bareword() : this.fail('expected the target field, like "[misp_src]"');
      entries.push({ key, target, where });
    }
    this.at++;
    this.skipSpace();
    if (this.at < this.text.length) this.fail('unexpected text after the get hash');
    if (entries.length === 0) this.fail('the get hash is empty');
    return entries;
  }

  /** White space and `#` comments (to the end of the line), as Logstash's `cs` rule. */
  skipSpace(): void {
    while (this.at < this.text.length) {
      const char = this.text[this.at];
      if (char === ' ' || char === '\t' || char === '\r' || char === '\n') {
        this.at++;
      } else if (char === '#') {
        while (this.at < this.text.length && this.text[this.at] !== '\n') this.at++;
      } else {
        return;
      }
    }
  }

  private peek(): string | undefined {
    return this.text[this.at];
  }

  private expect(token: string, context: string): void {
    if (!this.text.startsWith(token, this.at)) this.fail(`expected ${token} ${context}`);
    this.at += token.length;
  }

  private string(): string {
    const quote = this.text[this.at] as string;
    const start = ++this.at;
    while (this.at < this.text.length) {
      const char = this.text[this.at];
      if (char === '\\' && this.text[this.at + 1] === quote) {
        this.at += 2;
      } else if (char === quote) {
        const value = this.text.slice(start, this.at);
        this.at++;
        return value;
      } else {
        this.at++;
      }
    }
    this.at = start - 1;
    return this.fail('a string is not closed');
  }

  private bareword(): string {
    const match = /^[A-Za-z_][A-Za-z0-9_]+/.exec(this.remaining());
    if (match === null) return this.fail('expected a name');
    this.at += match[0].length;
    return match[0];
  }

  private position(): string {
    const before = this.text.slice(0, this.at);
    const line = before.split('\n').length;
    return `line ${line} column ${this.at - before.lastIndexOf('\n')}`;
  }

  private fail(message: string): never {
    throw new LookupRulesError(`Logstash get hash, ${this.position()}: ${message}`);
  }
}
