import type { StoredAttribute } from './stored-types';

/**
 * A read-only list of attributes sorted by (timestamp, id), addressed by position. Fixture data
 * is a plain array; generated data computes each attribute from its position, so a million
 * attributes cost no memory until they are read.
 */
export interface AttributeSequence {
  readonly length: number;
  at(index: number): StoredAttribute;
  /** Cheap key access for binary search, without building the attribute. */
  timestampAt(index: number): number;
  idAt(index: number): number;
  indexOfId(id: number): number | undefined;
  indexOfUuid(uuid: string): number | undefined;
}

export class ArrayAttributeSequence implements AttributeSequence {
  private readonly byId = new Map<number, number>();
  private readonly byUuid = new Map<string, number>();

  /** `sorted` must already be ordered by compareAttributes. */
  constructor(private readonly sorted: readonly StoredAttribute[]) {
    sorted.forEach((attribute, index) => {
      this.byId.set(attribute.id, index);
      this.byUuid.set(attribute.uuid, index);
    });
  }

  get length(): number {
    return this.sorted.length;
  }

  at(index: number): StoredAttribute {
    const attribute = this.sorted[index];
    if (attribute === undefined) throw new RangeError(`no attribute at ${index}`);
    return attribute;
  }

  timestampAt(index: number): number {
    return this.at(index).timestamp;
  }

  idAt(index: number): number {
    return this.at(index).id;
  }

  indexOfId(id: number): number | undefined {
    return this.byId.get(id);
  }

  indexOfUuid(uuid: string): number | undefined {
    return this.byUuid.get(uuid);
  }
}

/** First position whose (timestamp, id) is at or after the given key. */
export function lowerBound(
  length: number,
  timestampAt: (index: number) => number,
  idAt: (index: number) => number,
  timestamp: number,
  id = Number.MIN_SAFE_INTEGER,
): number {
  let low = 0;
  let high = length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const ts = timestampAt(middle);
    if (ts < timestamp || (ts === timestamp && idAt(middle) < id)) low = middle + 1;
    else high = middle;
  }
  return low;
}
