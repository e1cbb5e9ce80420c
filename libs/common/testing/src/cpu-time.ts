/**
 * CPU milliseconds (user + system) `work` took in this process: the honest measure of an
 * algorithm's cost on a loaded machine, where wall-clock time also counts other processes.
 */
export function cpuMs(work: () => unknown): number {
  const started = process.cpuUsage();
  work();
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000;
}

/**
 * CPU budget for feeding one 100,000-character input to one parser or regular expression: linear
 * code needs about a millisecond, a quadratic one seconds (10^10 steps). 250 ms leaves room for a
 * loaded 2-core machine and a garbage collection, and still fails anything super-linear.
 */
export const LINEAR_BUDGET_MS = 250;
