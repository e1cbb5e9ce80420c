import { compileGlob, type MispAttribute } from '@iocflow/core';
import { highestTlpRank, TLP_LEVELS, type TlpLevel } from './tlp-rank';

/**
 * Why an attribute is not selected — a closed set, the `reason` label of
 * iocflow_misp_sync_attributes_deselected_total. A deselected attribute contributes nothing, which
 * removes whatever it contributed before (as a deletion does).
 */
export type DeselectReason = 'unpublished' | 'tag_not_included' | 'tag_excluded' | 'org' | 'tlp' | 'distribution' | 'decayed';

/** What misp-sync takes from its sources (the MISP_* selection settings, validated in misp-sync.config.ts). */
export interface SelectionOptions {
  /** Only attributes of published events (MISP_PUBLISHED_ONLY). */
  readonly publishedOnly: boolean;
  /** Tag globs (`*` wildcard); an attribute needs one tag (its own or its event's) matching one. Empty = no condition. */
  readonly includeTags: readonly string[];
  /** Tag globs; an attribute with a tag matching one is not taken. */
  readonly excludeTags: readonly string[];
  /** Creator organisations (ids or names); empty = every organisation. */
  readonly orgs: readonly string[];
  /** The most restricted TLP taken; untagged attributes are taken. */
  readonly maxTlp: TlpLevel;
  /** MISP distribution levels taken (0 your organisation … 4 sharing group); 5 (inherit) is the event's. */
  readonly distributions: readonly number[];
  /** Drop attributes every decaying model has decayed (MISP's `excludeDecayed`). */
  readonly excludeDecayed: boolean;
  /** Drop attributes whose decay score (decayScoreOf) is below this; undefined = no threshold. */
  readonly decayScoreThreshold?: number;
}

/** The restSearch filter parameters that apply the selection on the MISP server (AttributeRestSearchFilter). */
export interface SelectionSearchFilter {
  readonly published?: boolean;
  readonly tags?: readonly string[];
  readonly org?: string | readonly string[];
  readonly excludeDecayed?: boolean;
  readonly score?: string;
}

/**
 * The selection compiled once (globs, sets): `deselect` is a handful of comparisons per
 * attribute. It is the local guard — MISP applies the same selection server-side where its
 * restSearch can (`searchFilter`), and feeds read directly only go through here — so it judges
 * only what the data carries: an event stub without `published` passes the published check, an
 * org list with names cannot be checked against the stub's ids (MISP checks it), an attribute
 * without decay scores passes the decay checks.
 */
export class AttributeSelection {
  private readonly include: readonly ((tag: string) => boolean)[];
  private readonly exclude: readonly ((tag: string) => boolean)[];
  private readonly orgIds: ReadonlySet<string> | undefined;
  private readonly maxTlpRank: number;
  private readonly distributions: ReadonlySet<string>;

  constructor(readonly options: SelectionOptions) {
    this.include = options.includeTags.map(compileGlob);
    this.exclude = options.excludeTags.map(compileGlob);
    this.orgIds = options.orgs.length > 0 && options.orgs.every((org) => /^\d+$/.test(org)) ? new Set(options.orgs) : undefined;
    this.maxTlpRank = TLP_LEVELS.indexOf(options.maxTlp);
    this.distributions = new Set(options.distributions.map(String));
  }

  /** Why the attribute is not taken, or undefined when it is. Deleted and to_ids-off attributes are toAttributeUpdate's business. */
  deselect(attribute: MispAttribute): DeselectReason | undefined {
    const event = attribute.event;
    if (this.options.publishedOnly && event?.published === false) return 'unpublished';
    const tags = attribute.tags;
    if (this.include.length > 0 && !tags.some((tag) => this.include.some((matches) => matches(tag.name)))) return 'tag_not_included';
    if (this.exclude.length > 0 && tags.some((tag) => this.exclude.some((matches) => matches(tag.name)))) return 'tag_excluded';
    if (this.orgIds !== undefined && event?.orgcId !== undefined && !this.orgIds.has(event.orgcId)) return 'org';
    const tlp = highestTlpRank(tags);
    if (tlp !== undefined && tlp > this.maxTlpRank) return 'tlp';
    const distribution = attribute.distribution === '5' ? event?.distribution : attribute.distribution;
    if (distribution !== undefined && distribution !== '5' && !this.distributions.has(distribution)) return 'distribution';
    const scores = attribute.decayScores;
    if (scores !== undefined && scores.length > 0) {
      if (this.options.excludeDecayed && scores.every((score) => score.decayed)) return 'decayed';
      const threshold = this.options.decayScoreThreshold;
      if (threshold !== undefined && Math.max(...scores.filter((score) => !score.decayed).map((score) => score.score), -Infinity) < threshold) return 'decayed';
    }
    return undefined;
  }

  /**
   * The restSearch parameters for the same selection, so MISP sends less. Tag globs become MISP's
   * `%` wildcards (a glob MISP could read differently — one with `%` or `_` — is left to the local
   * guard); excluded tags and TLP levels above the highest become `!` tags.
   */
  searchFilter(): SelectionSearchFilter {
    const tags: string[] = [];
    const expressible = (glob: string) => !/[%_!]/.test(glob);
    // MISP ORs positive tags: every include glob must be expressible, or none is sent.
    if (this.options.includeTags.every(expressible)) tags.push(...this.options.includeTags.map((glob) => glob.replaceAll('*', '%')));
    for (const glob of this.options.excludeTags) if (expressible(glob)) tags.push(`!${glob.replaceAll('*', '%')}`);
    for (const level of TLP_LEVELS.slice(this.maxTlpRank + 1)) tags.push(`!tlp:${level}`);
    const orgs = this.options.orgs;
    return {
      ...(this.options.publishedOnly ? { published: true } : {}),
      ...(tags.length > 0 ? { tags } : {}),
      ...(orgs.length === 0 ? {} : { org: orgs }),
      ...(this.options.excludeDecayed ? { excludeDecayed: true } : {}),
      ...(this.options.excludeDecayed && this.options.decayScoreThreshold !== undefined ? { score: String(this.options.decayScoreThreshold) } : {}),
    };
  }
}
