import { readThreatHit, type ObservableKind } from '@iocflow/core';
import { sightingId, windowStartMs } from './sighting-window';

/** One sighting to send: an indicator seen in a window. */
export interface DueSighting {
  readonly id: string;
  readonly kind: ObservableKind;
  readonly value: string;
  readonly windowStart: number;
}

export interface SightingFold {
  /** New (indicator, window) pairs, in the order their first hit came. */
  readonly due: DueSighting[];
  /** Hits whose (indicator, window) already had a sighting (`sent`) or another hit in this batch. */
  readonly suppressed: number;
  /** Hit records that could not be read, with the reason (skipped). */
  readonly invalid: string[];
}

/**
 * The sightings a batch of hit records asks for: one per (indicator, window) not already `sent`.
 *
 * The window is that of the event's time (the hit's `@timestamp`), never later than when the hit
 * was made (`event.created`; an event stamped in the future is sighted when it was seen), so it
 * does not depend on when misp-sync reads the hit: a replay or a restart folds the same hits into
 * the same ids. Live and retrospective hits alike: a retro-hunt finding is a sighting at the
 * event's time (MISP shows it in the past, where it happened).
 */
export function foldSightings(values: readonly (Uint8Array | null)[], windowMs: number, sent: (id: string) => boolean): SightingFold {
  const due: DueSighting[] = [];
  const seen = new Set<string>();
  const invalid: string[] = [];
  let suppressed = 0;
  for (const value of values) {
    const read = readThreatHit(value);
    if (!read.ok) {
      invalid.push(read.reason);
      continue;
    }
    const { hit } = read;
    const atMs = Math.min(Date.parse(hit['@timestamp']), Date.parse(hit.event.created));
    const { kind, value: indicator } = hit.iocflow.indicator;
    const windowStart = windowStartMs(atMs, windowMs);
    const id = sightingId(kind, indicator, windowStart);
    if (seen.has(id) || sent(id)) {
      suppressed++;
      continue;
    }
    seen.add(id);
    due.push({ id, kind, value: indicator, windowStart });
  }
  return { due, suppressed, invalid };
}
