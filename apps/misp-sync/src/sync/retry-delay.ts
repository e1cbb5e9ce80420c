/**
 * Exponential backoff with "equal jitter": attempt 1 waits between half of `baseMs` and `baseMs`, each next attempt twice
 * as long, capped at `maxMs`. `random` is injected (a value in [0, 1)) so the schedule is testable.
 * Jitter keeps several replicas from hammering a recovering MISP in step.
 */
export function retryDelay(attempt: number, baseMs: number, maxMs: number, random: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(ceiling * (0.5 + random / 2));
}
