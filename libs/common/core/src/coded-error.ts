/**
 * The shape of every iocflow error: a code from a closed set, and whether retrying the same
 * operation later can succeed. Each owner declares its own table of codes (`{ CODE: retriable }`)
 * and a subclass; callers decide on `retriable`, logs and metrics label by `code`.
 */
export abstract class CodedError<Code extends string> extends Error {
  readonly retriable: boolean;

  protected constructor(
    readonly code: Code,
    message: string,
    table: Readonly<Record<Code, boolean>>,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
    this.retriable = table[code];
  }
}
