import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '@iocflow/nest';
import { loadMispSyncConfig } from '../misp-sync.config';
import { FIXTURES_DIR } from '../../test/test-fixtures';
import { buildSelection, loadAllowlist, loadWarninglists, maxAgesOf, SelectionConfigError } from './build-selection';

const DAY_MS = 86_400_000;
const base = { MISP_URL: 'https://misp.example', MISP_API_KEY: 'k' };

describe('buildSelection', () => {
  it('compiles the documented defaults: published only, TLP up to amber+strict, the shipped warninglists, per-kind expiry', () => {
    const config = loadMispSyncConfig(base);
    const built = buildSelection(config);
    expect(built.selection.searchFilter()).toEqual({ published: true, tags: ['!tlp:red'] });
    expect(built.guard.warninglistNames).toHaveLength(9);
    expect(built.guard.unusable).toEqual([]);
    expect(maxAgesOf(config)).toEqual({ ip: 30 * 86_400, domain: 90 * 86_400, url: 90 * 86_400, uri: 90 * 86_400, email: 180 * 86_400, md5: 0, sha1: 0, sha256: 0, sha512: 0 });
  });

  it('caps every kind with MISP_MAX_ATTRIBUTE_AGE, also with expiry off', () => {
    expect(maxAgesOf({ ...loadMispSyncConfig({ ...base, MISP_MAX_ATTRIBUTE_AGE: '60d' }) })).toMatchObject({ ip: 30 * 86_400, domain: 60 * 86_400, md5: 60 * 86_400 });
    expect(maxAgesOf(loadMispSyncConfig({ ...base, IOC_EXPIRY: 'false' }))).toMatchObject({ ip: 0, domain: 0 });
    expect(maxAgesOf(loadMispSyncConfig({ ...base, IOC_EXPIRY: 'false', MISP_MAX_ATTRIBUTE_AGE: `${7 * DAY_MS}` }))).toMatchObject({ ip: 7 * 86_400, md5: 7 * 86_400 });
  });

  it('reads a checkout of misp-warninglists (its root or lists/), all or the named lists, or none', () => {
    const checkout = path.join(FIXTURES_DIR, 'misp-warninglists');
    expect(loadWarninglists(checkout, ['all']).map((list) => list.type).sort()).toEqual(['cidr', 'string', 'string']);
    expect(loadWarninglists(path.join(checkout, 'lists'), ['rfc1918']).map((list) => list.name)).toEqual(['List of RFC 1918 CIDR blocks']);
    expect(loadWarninglists(undefined, ['none'])).toEqual([]);
    expect(() => loadWarninglists(checkout, ['tranco'])).toThrow(SelectionConfigError);
    expect(() => loadWarninglists('/nonexistent/lists', ['all'])).toThrow(SelectionConfigError);
  });

  it('joins IOC_ALLOWLIST and the lines of IOC_ALLOWLIST_FILE, comments left out', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'allowlist-')), 'allow.txt');
    fs.writeFileSync(file, '# ours\ncorp.example  # the intranet\n\n203.0.113.0/24\r\n');
    expect(loadAllowlist(['8.8.8.8'], file)).toEqual(['8.8.8.8', 'corp.example', '203.0.113.0/24']);
    expect(() => loadAllowlist([], `${file}.missing`)).toThrow(/IOC_ALLOWLIST_FILE/);
  });

  it('refuses invalid selection settings with every problem named', () => {
    let error: unknown;
    try {
      loadMispSyncConfig({ ...base, MISP_MAX_TLP: 'purple', MISP_DISTRIBUTIONS: '1,5', MISP_DECAY_SCORE_THRESHOLD: '101', IOC_MIN_IPV4_PREFIX: '33', IOC_MAX_AGE_IP: 'soon' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((problem) => problem.split(':')[0]).sort()).toEqual(['IOC_MAX_AGE_IP', 'IOC_MIN_IPV4_PREFIX', 'MISP_DECAY_SCORE_THRESHOLD', 'MISP_DISTRIBUTIONS', 'MISP_MAX_TLP']);
  });
});
