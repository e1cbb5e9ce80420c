import { ConfigError } from '@iocflow/nest';
import { loadMispSyncConfig, sightingsStateTopic } from './misp-sync.config';

describe('misp-sync config: sightings (issue 16)', () => {
  it('is off by default, with the documented defaults', () => {
    const config = loadMispSyncConfig({ MISP_URL: 'https://misp.example', MISP_API_KEY: 'k' });
    expect(config).toMatchObject({
      MISP_SIGHTINGS_ENABLED: false,
      THREAT_HITS_TOPIC: 'threat-hits',
      MISP_SIGHTINGS_SOURCE: 'iocflow',
      MISP_SIGHTINGS_WINDOW: 3_600_000,
      MISP_SIGHTINGS_BATCH_SIZE: 100,
      MISP_SIGHTINGS_RATE: 5,
      MISP_SIGHTINGS_GROUP: 'iocflow-misp-sync-sightings',
      MISP_SIGHTINGS_STATE_RETENTION: 7 * 86_400_000,
      MISP_SIGHTINGS_HOLD_MAX: 25_000,
    });
    expect(sightingsStateTopic(config)).toBe('threat-hits-sightings');
    expect(sightingsStateTopic({ ...config, MISP_SIGHTINGS_STATE_TOPIC: 'mine' })).toBe('mine');
  });

  it('needs MISP_URL, and refuses a window under a second and a zero rate', () => {
    let error: unknown;
    try {
      loadMispSyncConfig({ FEED_URL: '/tmp/feed', MISP_SIGHTINGS_ENABLED: 'true', MISP_SIGHTINGS_WINDOW: '10ms', MISP_SIGHTINGS_RATE: '0' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((problem) => problem.split(':')[0]).sort()).toEqual(['MISP_SIGHTINGS_ENABLED', 'MISP_SIGHTINGS_RATE', 'MISP_SIGHTINGS_WINDOW']);
  });
});
