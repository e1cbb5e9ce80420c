import { randomUUID } from 'node:crypto';
import type { MispStandin } from './misp-standin';

/** MISP's own bounds (its OpenAPI spec): AttributeValue maxLength 131071, EventInfo maxLength 65535, Timestamp `^\d+$`. */
const MAX_VALUE_CHARS = 131_071;
const MAX_EVENT_INFO_CHARS = 65_535;
/** 3000-01-01T00:00:00Z. */
const YEAR_3000 = 32_503_680_000;

/** What misp-sync must make of the hostile content (issue 11), per lookup key. */
export interface HostileExpectations {
  /** Keys misp-sync must store, with the number of feeds their memcached value names. */
  readonly stored: readonly { readonly key: string; readonly feeds: number }[];
  /** Keys that must never be stored (their attribute is skipped, or its value is no observable). */
  readonly absent: readonly string[];
}

/**
 * A MISP event that stays within MISP's API (the stand-in's replies stay conformant to its OpenAPI
 * spec) but pushes every size misp-sync handles: event info at its maximum (65,535 characters),
 * one value in 17 attributes with a feed tag each (one indicator with 17 contributions of 64 KiB of
 * event info: a 1.1 MB topic record before issue 11), one value in 450 attributes (a record over any
 * sensible size limit), and one attribute carrying 100 feed tags.
 */
export function hostileEvent(namespace: string): Record<string, unknown> {
  const attribute = (value: string, tags: readonly string[]): Record<string, unknown> => ({
    uuid: randomUUID(),
    type: 'domain',
    category: 'Network activity',
    value,
    to_ids: true,
    Tag: tags.map((name) => ({ name })),
  });
  return {
    Event: {
      uuid: randomUUID(),
      info: 'i'.repeat(MAX_EVENT_INFO_CHARS),
      date: '2026-01-01',
      threat_level_id: '1',
      analysis: '2',
      timestamp: '1700000000',
      Tag: [{ name: 'Feed-Hostile' }],
      Attribute: [
        ...Array.from({ length: 17 }, (_, i) => attribute(`popular.${namespace}.test`, [`Feed-Popular-${String(i).padStart(2, '0')}`])),
        ...Array.from({ length: 450 }, () => attribute(`crowded.${namespace}.test`, [])),
        attribute(`many-feeds.${namespace}.test`, Array.from({ length: 100 }, (_, i) => `Feed-Many-${String(i).padStart(3, '0')}`)),
      ],
    },
  };
}

/**
 * Adds attributes MISP may serve but no indicator store should take as they are, to `eventRef`:
 * a `uri` of 131,071 characters (a 1.5 MB one wedged misp-sync: every run failed on the record),
 * a `url` whose normal form is six times its length, a domain with a memcached command injected,
 * one dated in the year 3000 and one at 10^20 seconds (rendered `100000000000000000000`: digits,
 * as MISP's Timestamp pattern allows, but beyond any safe integer), both with the stand-in's clock
 * moved to that time, as a MISP with a wrong clock or a forged sync would write them.
 */
export function addHostileAttributes(standin: MispStandin, eventRef: number | string, namespace: string): void {
  standin.addAttribute(eventRef, { type: 'uri', value: `/${'a'.repeat(MAX_VALUE_CHARS - 1)}`, toIds: true });
  standin.addAttribute(eventRef, { type: 'url', value: `http://long-url.${namespace}.test/${'é'.repeat(30_000)}`, toIds: true });
  standin.addAttribute(eventRef, { type: 'domain', value: `injected.${namespace}.test\r\nflush_all`, toIds: true });
  for (const at of [YEAR_3000, 1e20]) {
    standin.setNow(at);
    try {
      standin.addAttribute(eventRef, { type: 'domain', value: `${at === YEAR_3000 ? 'year-3000' : 'absurd-time'}.${namespace}.test`, toIds: true });
    } finally {
      standin.setNow(undefined);
    }
  }
}

/** What misp-sync must store and must not, for `hostileEvent` plus `addHostileAttributes` with the same namespace. */
export function hostileExpectations(namespace: string): HostileExpectations {
  return {
    stored: [
      // each attribute's own feed tag, and the event's Feed-Hostile they all inherit
      { key: `domain-popular.${namespace}.test`, feeds: 18 },
      { key: `domain-crowded.${namespace}.test`, feeds: 1 },
      // 100 feed tags on one attribute, and Feed-Hostile: the first 64 in name order
      { key: `domain-many-feeds.${namespace}.test`, feeds: 64 },
    ],
    absent: [`domain-year-3000.${namespace}.test`, `domain-absurd-time.${namespace}.test`, `domain-injected.${namespace}.test`],
  };
}
