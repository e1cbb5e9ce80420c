import { renderAttributeRow } from './render-attribute';
import type { StoredAttribute, StoredEvent } from './stored-types';

export type AttributeNotificationAction = 'add' | 'edit' | 'soft-delete' | 'delete';

/**
 * The JSON MISP's Kafka plugin publishes on its attribute topic (`misp_attribute` by default)
 * for one attribute change, without a message key.
 *
 * Shape, from MISP's Attribute model: after a save (add, edit, soft delete) it publishes
 * `fetchAttribute()`, i.e. `{"Attribute": {row…, "Tag": [...], "Sighting": [...]},
 * "Event": {id, date, info, uuid, published, analysis, threat_level_id, org_id, orgc_id,
 * distribution, sharing_group_id, "Orgc": {id, uuid, name}}}`, plus `"action"`. The event is a
 * sibling of the attribute, not nested in it. Before a hard delete it publishes only the raw row
 * `{"Attribute": {...}, "action": "delete"}`.
 */
export function renderAttributeNotification(
  action: AttributeNotificationAction,
  attribute: StoredAttribute,
  event: StoredEvent,
): Record<string, unknown> {
  const row = renderAttributeRow(attribute);
  if (action === 'delete') return { Attribute: row, action };
  const tags = attribute.tags.map((tag) => ({ id: String(tag.id), name: tag.name, colour: tag.colour, exportable: tag.exportable }));
  return {
    Attribute: { ...row, ...(tags.length > 0 ? { Tag: tags } : {}), Sighting: [] },
    Event: {
      id: String(event.id),
      date: event.date,
      info: event.info,
      uuid: event.uuid,
      published: event.published,
      analysis: String(event.analysis),
      threat_level_id: String(event.threatLevelId),
      org_id: String(event.orgId),
      orgc_id: String(event.orgcId),
      distribution: String(event.distribution),
      sharing_group_id: '0',
      Orgc: { id: String(event.orgcId), uuid: event.orgcUuid, name: event.orgcName },
    },
    action,
  };
}
