/**
 * How long to wait before retrying a held batch: exponential from `initialMs`, doubling per
 * attempt (attempt 1 = initialMs), capped at `maxMs`, with "equal jitter" (`random` in [0, 1))
 * so that replicas do not retry a recovering store in step.
 */
export function holdDelay(attempt: number, initialMs: number, maxMs: number, random: number): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(ceiling * (0.5 + random / 2));
}
