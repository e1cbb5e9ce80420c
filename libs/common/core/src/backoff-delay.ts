/**
 * How long to wait before retry number `attempt` (1 = the first retry): exponential from
 * `initialMs`, doubling per attempt, capped at `maxMs`, with "equal jitter" — half of the delay is
 * fixed, half random — so that replicas retrying the same recovering system spread out but never
 * retry at once. `random` is in [0, 1) and passed in (Math.random in production, fixed in specs).
 *
 * The one backoff of iocflow: the indexer's bulk and dead-letter retries, the enricher's held
 * batches and start-up retries, misp-sync's MISP and feed requests.
 */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number, random: number): number {
  // 2 ** 30 already exceeds any sane cap; the clamp keeps a huge attempt count from overflowing to Infinity.
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(Math.max(0, attempt - 1), 30));
  return Math.floor(ceiling * (0.5 + random / 2));
}
