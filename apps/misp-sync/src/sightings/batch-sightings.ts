import type { DueSighting } from './fold-sightings';

/** One `/sightings/add` request: the values of one window (MISP takes one timestamp per request). */
export interface SightingRequestPlan {
  readonly windowStart: number;
  readonly values: readonly string[];
  /** The sightings the request carries (recorded as sent once MISP acknowledged). */
  readonly sightings: readonly DueSighting[];
}

/**
 * Due sightings as requests: grouped by window (a request has one `timestamp`, the window's
 * start), at most `batchSize` distinct values each, windows in the order they first came.
 */
export function batchSightings(due: readonly DueSighting[], batchSize: number): SightingRequestPlan[] {
  const byWindow = new Map<number, DueSighting[]>();
  for (const sighting of due) {
    const list = byWindow.get(sighting.windowStart);
    if (list === undefined) byWindow.set(sighting.windowStart, [sighting]);
    else list.push(sighting);
  }
  const plans: SightingRequestPlan[] = [];
  for (const [windowStart, sightings] of byWindow) {
    let values: string[] = [];
    let carried: DueSighting[] = [];
    for (const sighting of sightings) {
      if (!values.includes(sighting.value)) {
        if (values.length === batchSize) {
          plans.push({ windowStart, values, sightings: carried });
          values = [];
          carried = [];
        }
        values.push(sighting.value);
      }
      carried.push(sighting);
    }
    if (carried.length > 0) plans.push({ windowStart, values, sightings: carried });
  }
  return plans;
}
