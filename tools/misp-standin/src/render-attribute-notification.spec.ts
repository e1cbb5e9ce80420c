import { MispStandin } from './misp-standin';

describe('MISP Kafka-plugin attribute notifications', () => {
  const standin = new MispStandin({ warninglists: false, now: () => 1_800_000_000 });

  it('renders add / edit / soft-delete with the event as a sibling and delete as the bare row', () => {
    const added = standin.addAttribute(9747, { type: 'domain', value: 'evil.example', tags: ['Feed-X'] });
    standin.editAttribute(String(added['uuid']), { toIds: false });
    standin.softDeleteAttribute(String(added['uuid']));
    standin.hardDeleteAttribute(String(added['uuid']));
    const messages = standin.notifications();
    expect(messages.map((notification) => notification.action)).toEqual(['add', 'edit', 'soft-delete', 'delete']);
    expect(messages[0]!.message).toMatchObject({
      action: 'add',
      Attribute: { type: 'domain', value: 'evil.example', to_ids: true, timestamp: '1800000000', Tag: [{ name: 'Feed-X' }], Sighting: [] },
      Event: { id: '9747', uuid: '5a3c2fcd-8328-42bb-a95e-4f4402de0b81', info: 'OSINT - Sednit update: How Fancy Bear Spent the Year', Orgc: { id: '2' } },
    });
    expect(messages[2]!.message).toMatchObject({ action: 'soft-delete', Attribute: { deleted: true } });
    expect(messages[3]!.message).not.toHaveProperty('Event');
    expect(messages[3]!.message).toMatchObject({ action: 'delete', Attribute: { uuid: added['uuid'] } });
  });
});
