import { parseMispNotification } from './parse-misp-notification';

const UUID = '5E6B336E-5224-445F-B1B3-457DD7DD9F6D';

describe('parseMispNotification', () => {
  it.each(['add', 'edit', 'soft-delete', 'delete'])('reads the %s action and the attribute uuid', (action) => {
    const text = JSON.stringify({ Attribute: { id: '1', uuid: UUID, type: 'domain', value: 'evil.example' }, Event: { uuid: 'x' }, action });
    expect(parseMispNotification(text)).toEqual({ action, attributeUuid: UUID.toLowerCase() });
  });

  it.each([
    ['not JSON', '{'],
    ['an unknown action', JSON.stringify({ Attribute: { uuid: UUID }, action: 'publish' })],
    ['no attribute', JSON.stringify({ Event: {}, action: 'add' })],
    ['a bad uuid', JSON.stringify({ Attribute: { uuid: 'nope' }, action: 'add' })],
    ['an event notification', JSON.stringify({ Event: { uuid: UUID }, action: 'edit' })],
  ])('ignores %s', (_name, text) => {
    expect(parseMispNotification(text)).toBeUndefined();
  });
});
