/**
 * The stand-in's in-memory MISP model. Field names follow MISP's database columns; ids and
 * timestamps are numbers here and become MISP's decimal strings only when rendered.
 */
export interface StoredTag {
  readonly id: number;
  readonly name: string;
  readonly colour: string;
  readonly exportable: boolean;
  readonly isGalaxy: boolean;
}

export interface StoredEvent {
  readonly id: number;
  readonly uuid: string;
  readonly info: string;
  readonly orgId: number;
  readonly orgcId: number;
  readonly orgcName: string;
  readonly orgcUuid: string;
  readonly distribution: number;
  readonly date: string;
  readonly published: boolean;
  readonly analysis: number;
  readonly threatLevelId: number;
  /** Bumped by event-level changes (tags); attribute timestamps are not touched by those. */
  timestamp: number;
  tags: StoredTag[];
}

export interface StoredAttribute {
  readonly id: number;
  readonly eventId: number;
  /** 0 when the attribute is not inside a MISP object. */
  readonly objectId: number;
  readonly objectRelation: string | null;
  readonly category: string;
  readonly type: string;
  readonly value: string;
  readonly toIds: boolean;
  readonly uuid: string;
  /** Seconds since the epoch. */
  readonly timestamp: number;
  readonly distribution: number;
  readonly comment: string;
  readonly deleted: boolean;
  readonly disableCorrelation: boolean;
  readonly firstSeen: string | null;
  readonly lastSeen: string | null;
  readonly tags: readonly StoredTag[];
}

/** Orders attributes the way every search returns them: timestamp, then id. */
export function compareAttributes(a: { timestamp: number; id: number }, b: { timestamp: number; id: number }): number {
  return a.timestamp - b.timestamp || a.id - b.id;
}
