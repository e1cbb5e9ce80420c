import { lowerBound, type AttributeSequence } from './attribute-sequence';
import { compareAttributes, type StoredAttribute } from './stored-types';

/** Where a scan stands: a position in the immutable base and one in the overlay. */
export interface ScanPosition {
  readonly base: number;
  readonly overlay: number;
}

/**
 * All attributes, in (timestamp, id) order, as an immutable base sequence plus a small sorted
 * overlay of changed and added attributes. A change hides the base entry and inserts the new
 * version into the overlay, so the base (up to a million generated attributes) is never copied
 * or re-sorted; a scan merges the two lists.
 */
export class AttributeStore {
  private readonly overlay: StoredAttribute[] = [];
  private readonly overlayById = new Map<number, StoredAttribute>();
  private readonly overlayByUuid = new Map<string, StoredAttribute>();
  /** Ids of base attributes that were changed (now in the overlay) or hard-deleted. */
  private readonly hidden = new Set<number>();
  /** Bumped on every change; search caches keyed on it go stale automatically. */
  private changeCount = 0;

  constructor(
    private readonly base: AttributeSequence,
    private nextId: number,
  ) {}

  get version(): number {
    return this.changeCount;
  }

  allocateId(): number {
    return this.nextId++;
  }

  get(ref: number | string): StoredAttribute | undefined {
    if (typeof ref === 'string' && !/^\d+$/.test(ref)) {
      const uuid = ref.toLowerCase();
      const changed = this.overlayByUuid.get(uuid);
      if (changed) return changed;
      const index = this.base.indexOfUuid(uuid);
      if (index === undefined) return undefined;
      const attribute = this.base.at(index);
      return this.hidden.has(attribute.id) ? undefined : attribute;
    }
    const id = Number(ref);
    const changed = this.overlayById.get(id);
    if (changed) return changed;
    if (this.hidden.has(id)) return undefined;
    const index = this.base.indexOfId(id);
    return index === undefined ? undefined : this.base.at(index);
  }

  /** Inserts a new attribute or replaces the one with the same id. */
  put(attribute: StoredAttribute): void {
    this.removeFromOverlay(attribute.id);
    if (this.base.indexOfId(attribute.id) !== undefined) this.hidden.add(attribute.id);
    const at = lowerBound(
      this.overlay.length,
      (index) => this.overlay[index]!.timestamp,
      (index) => this.overlay[index]!.id,
      attribute.timestamp,
      attribute.id,
    );
    this.overlay.splice(at, 0, attribute);
    this.overlayById.set(attribute.id, attribute);
    this.overlayByUuid.set(attribute.uuid, attribute);
    this.changeCount++;
  }

  /** Removes an attribute without a trace (MISP's hard delete). */
  remove(id: number): boolean {
    const existed = this.get(id) !== undefined;
    this.removeFromOverlay(id);
    if (this.base.indexOfId(id) !== undefined) this.hidden.add(id);
    this.changeCount++;
    return existed;
  }

  /** Marks a change outside the attributes (an event timestamp) so search caches are dropped. */
  touch(): void {
    this.changeCount++;
  }

  /** The position of the first attribute with timestamp ≥ `timestamp`. */
  positionAt(timestamp: number): ScanPosition {
    return {
      base: lowerBound(this.base.length, (index) => this.base.timestampAt(index), (index) => this.base.idAt(index), timestamp),
      overlay: lowerBound(this.overlay.length, (index) => this.overlay[index]!.timestamp, (index) => this.overlay[index]!.id, timestamp),
    };
  }

  /**
   * Visits attributes in order from `from` until `visit` returns false. Returns the position just
   * after the last visited attribute, from which a later scan resumes.
   */
  scan(from: ScanPosition, visit: (attribute: StoredAttribute) => boolean): ScanPosition {
    let base = from.base;
    let overlay = from.overlay;
    for (;;) {
      while (base < this.base.length && this.hidden.has(this.base.idAt(base))) base++;
      const fromBase = base < this.base.length ? this.base.at(base) : undefined;
      const fromOverlay = this.overlay[overlay];
      let next: StoredAttribute;
      if (fromBase && (!fromOverlay || compareAttributes(fromBase, fromOverlay) < 0)) {
        next = fromBase;
        base++;
      } else if (fromOverlay) {
        next = fromOverlay;
        overlay++;
      } else {
        return { base, overlay };
      }
      if (!visit(next)) return { base, overlay };
    }
  }

  private removeFromOverlay(id: number): void {
    const previous = this.overlayById.get(id);
    if (!previous) return;
    const at = lowerBound(
      this.overlay.length,
      (index) => this.overlay[index]!.timestamp,
      (index) => this.overlay[index]!.id,
      previous.timestamp,
      previous.id,
    );
    this.overlay.splice(at, 1);
    this.overlayById.delete(id);
    this.overlayByUuid.delete(previous.uuid);
  }
}
