export interface PollOptions {
  /** Give up after this long (default 30000 ms). */
  readonly timeoutMs?: number;
  /** Pause between attempts (default 100 ms). */
  readonly intervalMs?: number;
  /** Named in the timeout error, e.g. 'all 1000 records consumed'. */
  readonly description?: string;
}

/**
 * Calls `probe` until it returns a value other than undefined/false, and returns that value.
 * A probe that throws is retried too; on timeout the last thrown error (or last value) is part of
 * the message. This is the only way tests wait: no fixed sleeps.
 */
export async function pollUntil<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  options: PollOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const intervalMs = options.intervalMs ?? 100;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) {
      const detail = last instanceof Error ? `last error: ${last.message}` : `last value: ${String(last)}`;
      throw new Error(`pollUntil timed out after ${timeoutMs} ms waiting for ${options.description ?? 'condition'} (${detail})`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
