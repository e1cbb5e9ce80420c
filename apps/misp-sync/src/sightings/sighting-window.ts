import { createHash } from 'node:crypto';
import type { ObservableKind } from '@iocflow/core';

/**
 * The name-space of iocflow's sighting ids (a fixed random UUID): sightingId is a UUID v5 in it,
 * so the same indicator and window give the same id in every process, before and after a restart.
 */
export const SIGHTING_ID_NAMESPACE = '1d3c5a52-3b1e-4a7f-9a7e-2f3a6b0c9d41';

/** The first millisecond of the window `atMs` falls in (windows are aligned on the epoch). */
export function windowStartMs(atMs: number, windowMs: number): number {
  return Math.floor(atMs / windowMs) * windowMs;
}

/**
 * The id of "indicator (kind, value) was sighted in the window starting at `windowStart`" (UUID v5
 * of `<kind> NUL <value> NUL <windowStart ms>`): misp-sync's unit of deduplication — one sighting
 * per id, however many hits. (MISP's /sightings/add takes no sighting uuid, so the id stays
 * iocflow's: it keys the sightings state topic.)
 */
export function sightingId(kind: ObservableKind, value: string, windowStart: number): string {
  const namespace = Buffer.from(SIGHTING_ID_NAMESPACE.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(namespace).update(`${kind}\u0000${value}\u0000${windowStart}`, 'utf8').digest();
  hash[6] = ((hash[6] as number) & 0x0f) | 0x50;
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
