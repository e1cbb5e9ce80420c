/** What `stats` says about one memcached server (the fields that reveal lost data). */
export interface StoreServerStats {
  readonly server: string;
  readonly pid: number;
  /** Seconds since the server started. */
  readonly uptime: number;
  readonly currItems: number;
  readonly evictions: number;
}

export type StoreProblem =
  | { readonly reason: 'restarted'; readonly server: string }
  | { readonly reason: 'evictions'; readonly server: string; readonly evicted: number }
  | { readonly reason: 'items-missing'; readonly expected: number; readonly found: number };

/**
 * Has the store lost keys since the last look? Our keys carry no TTL, so they leave memcached only
 * when we delete them, when a server restarts (new pid or a smaller uptime: it came back empty) or
 * when it evicts under memory pressure (the evictions counter grew). Independently of history, the
 * servers holding fewer items than we wrote means keys are missing (other tenants only add items).
 * Any of these calls for repopulating memcached from the state.
 */
export function judgeStoreStats(
  previous: readonly StoreServerStats[] | undefined,
  current: readonly StoreServerStats[],
  expectedItems: number,
): StoreProblem | undefined {
  for (const now of current) {
    const before = previous?.find((candidate) => candidate.server === now.server);
    if (before === undefined) continue;
    if (now.pid !== before.pid || now.uptime < before.uptime) return { reason: 'restarted', server: now.server };
    if (now.evictions > before.evictions) return { reason: 'evictions', server: now.server, evicted: now.evictions - before.evictions };
  }
  const found = current.reduce((sum, server) => sum + server.currItems, 0);
  if (found < expectedItems) return { reason: 'items-missing', expected: expectedItems, found };
  return undefined;
}
