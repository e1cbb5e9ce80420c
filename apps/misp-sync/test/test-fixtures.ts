import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseMispAttribute, type MispAttribute } from '@iocflow/core';
import { fixturesDir } from '@iocflow/testing';

/** The repository's test fixtures: real MISP data with origin and licence in test/fixtures/SOURCES.md. */
export const FIXTURES_DIR = fixturesDir();

export function readFixtureJson(relative: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES_DIR, relative), 'utf8')) as unknown;
}

/** The attributes of a recorded `/attributes/restSearch` result, parsed. */
export function fixtureAttributes(relative: string): MispAttribute[] {
  const json = readFixtureJson(relative) as { Attribute: unknown[] };
  return json.Attribute.map((item) => {
    const parsed = parseMispAttribute(item);
    if (!parsed.ok) throw new Error(`fixture attribute rejected: ${parsed.reason}`);
    return parsed.attribute;
  });
}

/** A MISP attribute with defaults, for table tests of one field at a time. */
export function attribute(overrides: Partial<MispAttribute> = {}): MispAttribute {
  return {
    id: '1',
    eventId: '10',
    objectId: '0',
    objectRelation: null,
    category: 'Network activity',
    type: 'domain',
    value: 'evil.example',
    toIds: true,
    uuid: '11111111-1111-4111-8111-111111111111',
    timestamp: 1_700_000_000,
    distribution: '5',
    comment: '',
    deleted: false,
    firstSeen: null,
    lastSeen: null,
    event: { id: '10', uuid: '22222222-2222-4222-8222-222222222222', info: 'Test event' },
    tags: [{ name: 'Feed-RansomwareTracker', inherited: true }],
    ...overrides,
  };
}
