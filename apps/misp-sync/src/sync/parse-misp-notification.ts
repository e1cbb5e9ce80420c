export type MispNotificationAction = 'add' | 'edit' | 'soft-delete' | 'delete';

export interface MispNotification {
  readonly action: MispNotificationAction;
  readonly attributeUuid: string;
}

const ACTIONS: readonly string[] = ['add', 'edit', 'soft-delete', 'delete'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * One message of MISP's Kafka plugin attribute topic (`misp_attribute`), published without a key:
 * `{"Attribute": {...row, "Tag": [...]}, "Event": {...}, "action": "add|edit|soft-delete"}`, or
 * `{"Attribute": {...row}, "action": "delete"}` before a hard delete. Only the attribute uuid is
 * kept: the payload lacks the event's tags (which name the feed), so misp-sync asks MISP for the
 * attribute's current state instead of trusting the message. Anything else is undefined.
 */
export function parseMispNotification(text: string): MispNotification | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { Attribute: attribute, action } = parsed as Record<string, unknown>;
  if (typeof action !== 'string' || !ACTIONS.includes(action)) return undefined;
  if (typeof attribute !== 'object' || attribute === null) return undefined;
  const uuid = (attribute as Record<string, unknown>)['uuid'];
  if (typeof uuid !== 'string' || !UUID.test(uuid)) return undefined;
  return { action: action as MispNotificationAction, attributeUuid: uuid.toLowerCase() };
}
