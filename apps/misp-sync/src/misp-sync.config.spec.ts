import { ConfigError } from '@iocflow/nest';
import { feedSourceName, loadMispSyncConfig, syncStateTopic } from './misp-sync.config';

describe('misp-sync config', () => {
  it('applies the documented defaults', () => {
    const config = loadMispSyncConfig({ MISP_URL: 'https://misp.example', MISP_API_KEY: 'k' });
    expect(config).toMatchObject({
      IOC_TOPIC: 'misp-iocs',
      MISP_PAGE_SIZE: 5000,
      MISP_INITIAL_LOOKBACK: 365 * 86_400_000,
      MISP_FULL_SYNC_INTERVAL: 6 * 3_600_000,
      MISP_POLL_INTERVAL: 60_000,
      MISP_FEED_TAG_PATTERN: 'Feed-*',
      MISP_TLS_REJECT_UNAUTHORIZED: true,
      MISP_SEED_COMPAT_KEYS: false,
      FEED_POLL_INTERVAL: 3_600_000,
      SYNC_HEARTBEAT_INTERVAL: 30_000,
      SYNC_APPLY_BATCH: 2000,
    });
    expect(syncStateTopic(config)).toBe('misp-iocs-sync-state');
  });

  it('lists every problem at once and never echoes the API key', () => {
    let error: unknown;
    try {
      loadMispSyncConfig({ MISP_URL: 'ftp://x', MISP_API_KEY: 'sekrit-key', MISP_PAGE_SIZE: '0', FEED_URL: '/tmp/f.csv', FEED_FORMAT: 'csv' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((problem) => problem.split(':')[0]).sort()).toEqual(['FEED_NAME', 'MISP_PAGE_SIZE', 'MISP_URL']);
    expect((error as Error).message).not.toContain('sekrit-key');
  });

  it('needs a source', () => {
    expect(() => loadMispSyncConfig({})).toThrow(/MISP_URL/);
    expect(() => loadMispSyncConfig({ MISP_URL: 'https://misp.example' })).toThrow(/MISP_API_KEY/);
    expect(loadMispSyncConfig({ FEED_URL: '/feeds/x' }).FEED_FORMAT).toBe('misp');
  });

  it('reads a feed alone, named by FEED_NAME or by its location without credentials', () => {
    const config = loadMispSyncConfig({ FEED_URL: 'https://u:p@feeds.example/digitalside/' });
    expect(config).toMatchObject({ FEED_FORMAT: 'misp', FEED_FULL_READ_EVERY: 24, FEED_TLS_REJECT_UNAUTHORIZED: true, FEED_VALUE_TYPE: 'auto', MISP_INCLUDE_DECAY_SCORE: false });
    expect(feedSourceName(config)).toBe('feed:https://feeds.example/digitalside/');
    expect(feedSourceName(loadMispSyncConfig({ FEED_URL: '/feeds/x.csv', FEED_FORMAT: 'csv', FEED_NAME: 'Feed-X' }))).toBe('feed:Feed-X');
    expect(feedSourceName(loadMispSyncConfig({ MISP_URL: 'https://misp.example', MISP_API_KEY: 'k' }))).toBeUndefined();
  });

  it('refuses an unsupported FEED_VALUE_TYPE and notifications without MISP', () => {
    expect(() => loadMispSyncConfig({ FEED_URL: '/f.txt', FEED_FORMAT: 'freetext', FEED_NAME: 'X', FEED_VALUE_TYPE: 'regkey' })).toThrow(/FEED_VALUE_TYPE/);
    expect(loadMispSyncConfig({ FEED_URL: '/f.txt', FEED_FORMAT: 'freetext', FEED_NAME: 'X', FEED_VALUE_TYPE: 'ip-src' }).FEED_VALUE_TYPE).toBe('ip-src');
    expect(() => loadMispSyncConfig({ FEED_URL: '/feeds/x', MISP_NOTIFICATIONS_TOPIC: 'misp_attribute' })).toThrow(/MISP_NOTIFICATIONS_TOPIC/);
  });
});
