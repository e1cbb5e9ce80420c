import { mispSearchFilter } from './misp.source';

describe('mispSearchFilter', () => {
  it('asks for deleted attributes and event tags, never filters to_ids server-side', () => {
    const filter = mispSearchFilter({ timestamp: 1_700_000_000 }, false);
    expect(filter).toMatchObject({ deleted: [0, 1], includeEventTags: true, timestamp: 1_700_000_000 });
    expect(filter).not.toHaveProperty('to_ids');
    expect(filter).not.toHaveProperty('enforceWarninglist');
    expect(filter).not.toHaveProperty('includeDecayScore');
    // Incremental: every type, so a sanitised delete (type becomes `comment`) is still seen.
    expect(filter).not.toHaveProperty('type');
  });

  it('asks only for matchable types in a full pull', () => {
    expect(mispSearchFilter({ matchableTypesOnly: true }, false).type).toEqual(expect.arrayContaining(['domain', 'hostname', 'ip-dst', 'url', 'sha256', 'filename|md5']));
  });

  it('omits the timestamp for a pull of everything, and passes enforceWarninglist', () => {
    const filter = mispSearchFilter({}, true);
    expect(filter).not.toHaveProperty('timestamp');
    expect(filter.enforceWarninglist).toBe(true);
  });

  it('pulls attributes of recently changed events by event_timestamp (event tag changes)', () => {
    expect(mispSearchFilter({ eventTimestamp: 1_700_000_000 }, false)).toMatchObject({ event_timestamp: 1_700_000_000 });
  });

  it('asks for decay scores only when configured (MISP_INCLUDE_DECAY_SCORE)', () => {
    expect(mispSearchFilter({}, false, true).includeDecayScore).toBe(true);
  });
});
