/**
 * TLP levels by MISP tag (the `tlp` taxonomy, TLP 1.0 and 2.0 names), least restrictive first,
 * written as ECS `threat.indicator.marking.tlp` expects them.
 */
const TLP_BY_TAG: ReadonlyMap<string, string> = new Map([
  ['tlp:white', 'WHITE'],
  ['tlp:clear', 'CLEAR'],
  ['tlp:green', 'GREEN'],
  ['tlp:amber', 'AMBER'],
  ['tlp:amber+strict', 'AMBER+STRICT'],
  ['tlp:red', 'RED'],
]);

/** Order of restriction (WHITE and CLEAR are the same level under TLP 1.0 and 2.0). */
const RANK: Readonly<Record<string, number>> = { WHITE: 0, CLEAR: 0, GREEN: 1, AMBER: 2, 'AMBER+STRICT': 3, RED: 4 };

/**
 * The TLP marking of an attribute from its tag names (its own and its event's): `tlp:amber` →
 * `AMBER`, case-insensitive, surrounding spaces ignored. With several TLP tags the most
 * restrictive wins (an attribute tagged `tlp:green` in a `tlp:red` event is RED: sharing rules
 * only tighten). Undefined when no tag is a TLP tag; other `tlp:` tags (`tlp:ex:chr`,
 * `tlp:unclear`) are not TLP levels and are ignored.
 */
export function tlpFromTags(tags: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const tag of tags) {
    if (tag.length > 20) continue;
    const level = TLP_BY_TAG.get(tag.trim().toLowerCase());
    if (level !== undefined && (best === undefined || (RANK[level] as number) > (RANK[best] as number))) best = level;
  }
  return best;
}
