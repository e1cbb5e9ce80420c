import type { DecayScore } from './decay-model';
import type { StoredAttribute, StoredEvent, StoredTag } from './stored-types';

/** MISP's JSON for a tag attached directly to an attribute in a restSearch reply. */
export function renderTag(tag: StoredTag): Record<string, unknown> {
  return { id: String(tag.id), name: tag.name, colour: tag.colour, numerical_value: null, local: false };
}

/**
 * MISP's JSON for an event tag copied onto an attribute by `includeEventTags`: the full tag row
 * with `inherited: 1` (as in the recorded reputation_command_response.json).
 */
export function renderInheritedTag(tag: StoredTag): Record<string, unknown> {
  return {
    id: String(tag.id),
    name: tag.name,
    colour: tag.colour,
    exportable: tag.exportable,
    org_id: '0',
    user_id: '0',
    hide_tag: false,
    numerical_value: null,
    is_galaxy: tag.isGalaxy,
    is_custom_galaxy: false,
    inherited: 1,
  };
}

/** The six-field event stub MISP embeds in every restSearch attribute. */
export function renderEventStub(event: StoredEvent): Record<string, unknown> {
  return {
    org_id: String(event.orgId),
    distribution: String(event.distribution),
    id: String(event.id),
    info: event.info,
    orgc_id: String(event.orgcId),
    uuid: event.uuid,
  };
}

/** The attribute row as MISP serialises it: ids, timestamps and distribution as strings. */
export function renderAttributeRow(attribute: StoredAttribute): Record<string, unknown> {
  return {
    id: String(attribute.id),
    event_id: String(attribute.eventId),
    object_id: String(attribute.objectId),
    object_relation: attribute.objectRelation,
    category: attribute.category,
    type: attribute.type,
    to_ids: attribute.toIds,
    uuid: attribute.uuid,
    timestamp: String(attribute.timestamp),
    distribution: String(attribute.distribution),
    sharing_group_id: '0',
    comment: attribute.comment,
    deleted: attribute.deleted,
    disable_correlation: attribute.disableCorrelation,
    first_seen: attribute.firstSeen,
    last_seen: attribute.lastSeen,
    value: attribute.value,
  };
}

/** One element of `response.Attribute` in a `/attributes/restSearch` reply. */
export function renderSearchAttribute(attribute: StoredAttribute, event: StoredEvent, includeEventTags: boolean, decayScore?: DecayScore): Record<string, unknown> {
  const tags = attribute.tags.map(renderTag);
  if (includeEventTags) {
    const own = new Set(attribute.tags.map((tag) => tag.id));
    tags.push(...event.tags.filter((tag) => !own.has(tag.id)).map(renderInheritedTag));
  }
  return {
    ...renderAttributeRow(attribute),
    Event: renderEventStub(event),
    ...(tags.length > 0 ? { Tag: tags } : {}),
    ...(decayScore === undefined ? {} : { decay_score: [decayScore] }),
  };
}
