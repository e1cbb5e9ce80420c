import { randomUUID } from 'node:crypto';
import type { AttributeSequence } from './attribute-sequence';
import { AttributeStore } from './attribute-store';
import type { TagRegistry } from './fixture-events';
import { renderAttributeNotification, type AttributeNotificationAction } from './render-attribute-notification';
import { AttributeSearch } from './search-attributes';
import type { StoredAttribute, StoredEvent } from './stored-types';
import type { Warninglists } from './warninglists';

export interface NewAttribute {
  readonly type: string;
  readonly value: string;
  readonly category?: string;
  readonly toIds?: boolean;
  readonly comment?: string;
  readonly tags?: readonly string[];
  readonly uuid?: string;
  readonly objectRelation?: string | null;
}

export interface AttributeChanges {
  readonly value?: string;
  readonly type?: string;
  readonly toIds?: boolean;
  readonly comment?: string;
  /** Replaces the attribute's own tags. */
  readonly tags?: readonly string[];
}

export interface RecordedNotification {
  readonly action: AttributeNotificationAction;
  /** The message MISP's Kafka plugin would publish (see renderAttributeNotification). */
  readonly message: Record<string, unknown>;
}

export class MispModelError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'MispModelError';
  }
}

/**
 * Events, attributes and the changes tests make to them, with MISP's timestamp rules: every
 * attribute change (edit, tag change, soft delete) sets the attribute timestamp to now; a hard
 * delete leaves no trace; an event tag change bumps only the event timestamp.
 */
export class MispModel {
  readonly store: AttributeStore;
  readonly search: AttributeSearch;
  private readonly eventsById = new Map<number, StoredEvent>();
  private readonly recorded: RecordedNotification[] = [];

  constructor(
    events: readonly StoredEvent[],
    base: AttributeSequence,
    nextAttributeId: number,
    private readonly tags: TagRegistry,
    warninglists: Warninglists,
    private readonly nowSeconds: () => number,
  ) {
    for (const event of events) this.eventsById.set(event.id, event);
    this.store = new AttributeStore(base, nextAttributeId);
    this.search = new AttributeSearch(this.store, this.eventsById, warninglists);
  }

  get events(): ReadonlyMap<number, StoredEvent> {
    return this.eventsById;
  }

  event(ref: number | string): StoredEvent | undefined {
    if (typeof ref === 'number' || /^\d+$/.test(ref)) return this.eventsById.get(Number(ref));
    const uuid = ref.toLowerCase();
    return [...this.eventsById.values()].find((event) => event.uuid === uuid);
  }

  attribute(ref: number | string): StoredAttribute | undefined {
    return this.store.get(ref);
  }

  notifications(): readonly RecordedNotification[] {
    return this.recorded;
  }

  addAttribute(eventRef: number | string, input: NewAttribute): StoredAttribute {
    const event = this.requireEvent(eventRef);
    const uuid = (input.uuid ?? randomUUID()).toLowerCase();
    if (this.store.get(uuid)) throw new MispModelError(409, `An attribute with uuid ${uuid} already exists.`);
    const attribute: StoredAttribute = {
      id: this.store.allocateId(),
      eventId: event.id,
      objectId: 0,
      objectRelation: input.objectRelation ?? null,
      category: input.category ?? (/md5|sha|filename/.test(input.type) ? 'Payload delivery' : 'Network activity'),
      type: input.type,
      value: input.value,
      toIds: input.toIds ?? true,
      uuid,
      timestamp: this.nowSeconds(),
      distribution: 5,
      comment: input.comment ?? '',
      deleted: false,
      disableCorrelation: false,
      firstSeen: null,
      lastSeen: null,
      tags: (input.tags ?? []).map((name) => this.tags.tag(name)),
    };
    this.store.put(attribute);
    this.record('add', attribute);
    return attribute;
  }

  editAttribute(ref: number | string, changes: AttributeChanges): StoredAttribute {
    const previous = this.requireAttribute(ref);
    const attribute: StoredAttribute = {
      ...previous,
      ...(changes.value === undefined ? {} : { value: changes.value }),
      ...(changes.type === undefined ? {} : { type: changes.type }),
      ...(changes.toIds === undefined ? {} : { toIds: changes.toIds }),
      ...(changes.comment === undefined ? {} : { comment: changes.comment }),
      ...(changes.tags === undefined ? {} : { tags: changes.tags.map((name) => this.tags.tag(name)) }),
      timestamp: this.nowSeconds(),
    };
    this.store.put(attribute);
    this.record(attribute.deleted ? 'soft-delete' : 'edit', attribute);
    return attribute;
  }

  /**
   * MISP's soft delete: `deleted` set, timestamp bumped. With `sanitise` (MISP's
   * Security.sanitise_attribute_on_delete) the content is overwritten the way MISP does it:
   * category Other, type comment, value "deleted", empty comment, to_ids off; only the uuid
   * still identifies the indicator.
   */
  softDeleteAttribute(ref: number | string, options: { sanitise?: boolean } = {}): StoredAttribute {
    const previous = this.requireAttribute(ref);
    const attribute: StoredAttribute = {
      ...previous,
      ...(options.sanitise ? { category: 'Other', type: 'comment', value: 'deleted', comment: '', toIds: false } : {}),
      deleted: true,
      timestamp: this.nowSeconds(),
    };
    this.store.put(attribute);
    this.record('soft-delete', attribute);
    return attribute;
  }

  /** Removes an attribute entirely; an incremental search can no longer see that it existed. */
  hardDeleteAttribute(ref: number | string): StoredAttribute {
    const attribute = this.requireAttribute(ref);
    this.record('delete', attribute);
    this.store.remove(attribute.id);
    return attribute;
  }

  /** Restores a soft-deleted attribute (MISP's /attributes/restore), bumping its timestamp. */
  restoreAttribute(ref: number | string): StoredAttribute {
    const previous = this.requireAttribute(ref);
    const attribute: StoredAttribute = { ...previous, deleted: false, timestamp: this.nowSeconds() };
    this.store.put(attribute);
    this.record('edit', attribute);
    return attribute;
  }

  setEventTags(eventRef: number | string, names: readonly string[]): StoredEvent {
    const event = this.requireEvent(eventRef);
    event.tags = names.map((name) => this.tags.tag(name));
    event.timestamp = this.nowSeconds();
    // The event timestamp takes part in `event_timestamp` searches: drop cached page positions.
    this.store.touch();
    return event;
  }

  private record(action: AttributeNotificationAction, attribute: StoredAttribute): void {
    const event = this.eventsById.get(attribute.eventId);
    if (event) this.recorded.push({ action, message: renderAttributeNotification(action, attribute, event) });
  }

  private requireEvent(ref: number | string): StoredEvent {
    const event = this.event(ref);
    if (!event) throw new MispModelError(404, `Invalid event ${ref}.`);
    return event;
  }

  private requireAttribute(ref: number | string): StoredAttribute {
    const attribute = this.store.get(ref);
    if (!attribute) throw new MispModelError(404, `Invalid attribute ${ref}.`);
    return attribute;
  }
}
