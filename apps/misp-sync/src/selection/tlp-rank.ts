/**
 * TLP 2.0 levels from least to most restricted; TLP 1.0's `white` is `clear`. The rank orders a
 * highest accepted level (`MISP_MAX_TLP`) against an attribute's most restricted `tlp:` tag.
 */
export const TLP_LEVELS = ['clear', 'green', 'amber', 'amber+strict', 'red'] as const;

export type TlpLevel = (typeof TLP_LEVELS)[number];

const RANKS: ReadonlyMap<string, number> = new Map([...TLP_LEVELS.map((level, rank) => [level, rank] as const), ['white', 0]]);

/** The rank of a `tlp:<level>` tag name (case-insensitive), undefined for any other tag. */
export function tlpRank(tag: string): number | undefined {
  if (tag.length < 7 || tag.length > 16 || tag.slice(0, 4).toLowerCase() !== 'tlp:') return undefined;
  return RANKS.get(tag.slice(4).toLowerCase());
}

/** The most restricted TLP among the tags (attribute and inherited event tags), undefined when none is tagged. */
export function highestTlpRank(tags: readonly { readonly name: string }[]): number | undefined {
  let highest: number | undefined;
  for (const tag of tags) {
    const rank = tlpRank(tag.name);
    if (rank !== undefined && (highest === undefined || rank > highest)) highest = rank;
  }
  return highest;
}
