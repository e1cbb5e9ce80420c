/** A long pull's progress at one moment. `total` is unknown when MISP did not report a count. */
export interface SyncProgress {
  /** The run, as a person reads it: `full sync`, `incremental sync`, `feed <name> (<mode>)`. */
  readonly run: string;
  readonly done: number;
  readonly total: number | undefined;
  readonly elapsedMs: number;
}

/**
 * One human progress line: `full sync: 120000/1000000 attributes (12.0%), 41200/s, ETA 21s`.
 * Rate and ETA are omitted until they mean something (nothing done yet, or no total).
 */
export function formatProgress(progress: SyncProgress): string {
  const { run, done, total, elapsedMs } = progress;
  const parts = [total === undefined ? `${run}: ${done} attributes` : `${run}: ${done}/${total} attributes (${percent(done, total)})`];
  if (done > 0 && elapsedMs > 0) {
    const rate = (done * 1000) / elapsedMs;
    parts.push(`${Math.round(rate)}/s`);
    if (total !== undefined && total > done) parts.push(`ETA ${formatSeconds((total - done) / rate)}`);
  }
  return parts.join(', ');
}

function percent(done: number, total: number): string {
  if (total <= 0) return '100.0%';
  return `${Math.min(100, (done * 100) / total).toFixed(1)}%`;
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
