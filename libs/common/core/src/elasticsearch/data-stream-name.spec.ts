import { conventionalDataStreamName, InvalidDataStreamNameError, validateDataStreamName } from './data-stream-name';

describe('validateDataStreamName', () => {
  it.each(['logs-iocflow-default', 'iocflow-logs', 'logs-iocflow.dns-prod', 'a'])('accepts %j', (name) => {
    expect(validateDataStreamName(name)).toBe(name);
  });

  it.each([
    ['', 'empty'],
    ['Logs-iocflow-default', 'lower-case'],
    ['logs-iocflow default', 'contain'],
    ...['\\', '/', '*', '?', '"', '<', '>', '|', ',', '#', ':'].map((c) => [`logs-${c}-x`, 'contain']),
    ['-logs', 'start with'],
    ['_logs', 'start with'],
    ['+logs', 'start with'],
    ['.logs', 'start with'],
    ['.ds-logs', 'start with'],
    ['.', 'start with'],
    ['..', 'start with'],
    ['x'.repeat(234), 'room for its backing index'],
  ])('refuses %j (%s)', (name, why) => {
    expect(() => validateDataStreamName(name)).toThrow(InvalidDataStreamNameError);
    expect(() => validateDataStreamName(name)).toThrow(why);
  });

  it('leaves room for the backing index name within 255 bytes', () => {
    expect(validateDataStreamName('x'.repeat(233))).toHaveLength(233);
  });
});

describe('conventionalDataStreamName', () => {
  it.each([
    ['logs-iocflow-default', true],
    ['logs-iocflow.dns-prod', true],
    ['iocflow-logs', false],
    ['logs-iocflow', false],
    ['logs-iocflow-dns-prod', false],
  ])('%j → %s', (name, expected) => {
    expect(conventionalDataStreamName(name)).toBe(expected);
  });
});
