import { sightingId, windowStartMs } from './sighting-window';

describe('windowStartMs', () => {
  it('aligns windows on the epoch', () => {
    const hour = 3_600_000;
    expect(windowStartMs(Date.UTC(2026, 11, 3, 7, 59, 59, 999), hour)).toBe(Date.UTC(2026, 11, 3, 7));
    expect(windowStartMs(Date.UTC(2026, 11, 3, 8), hour)).toBe(Date.UTC(2026, 11, 3, 8));
  });
});

describe('sightingId', () => {
  it('is a UUID v5, the same for the same indicator and window', () => {
    const id = sightingId('domain', 'evil.com', 0);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(sightingId('domain', 'evil.com', 0)).toBe(id);
  });

  it('differs per kind, value and window', () => {
    const ids = new Set([sightingId('domain', 'evil.com', 0), sightingId('domain', 'evil.com', 3_600_000), sightingId('domain', 'evil.org', 0), sightingId('url', 'evil.com', 0)]);
    expect(ids.size).toBe(4);
  });
});
