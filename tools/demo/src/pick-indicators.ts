import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DemoIndicators } from './demo-samples';

/**
 * Where the demo takes each real indicator it plants (paths under test/fixtures). The MISP ones
 * are events the stand-in serves (under the feed tags of tools/demo/misp-event-feeds.json); the
 * feed ones are files of the MISP feed misp-sync reads through FEED_URL. Cerber is in both.
 */
const SOURCES: Readonly<Record<keyof DemoIndicators, { file: string; type: string }>> = {
  mispDomain: { file: 'pymisp/tests/mispevent_testfiles/existing_event.json', type: 'domain' },
  mispIp: { file: 'pymisp/tests/reportlab_testfiles/to_delete2.json', type: 'ip-dst' },
  mispUrl: { file: 'pymisp/tests/reportlab_testfiles/sighting_1.json', type: 'url' },
  feedSha256: { file: 'derived/misp-feed/57c4445b-c548-4654-af0b-4be3950d210f.json', type: 'sha256' },
  sharedSha256: { file: 'derived/misp-feed/56e12e66-f01c-41be-afea-4d9a950d210f.json', type: 'filename|sha256' },
};

interface FixtureAttribute {
  readonly type?: string;
  readonly value?: string;
  readonly to_ids?: boolean | string;
}

interface FixtureEvent {
  readonly Attribute?: readonly FixtureAttribute[];
  readonly Object?: readonly { readonly Attribute?: readonly FixtureAttribute[] }[];
}

/** The first to_ids attribute of the wanted type in each source event (top level, then objects); of a `filename|hash`, the hash. */
export function pickIndicators(fixturesRoot: string): DemoIndicators {
  const pick = (key: keyof DemoIndicators): string => {
    const { file, type } = SOURCES[key];
    const parsed = JSON.parse(readFileSync(join(fixturesRoot, file), 'utf8')) as { Event?: FixtureEvent } & FixtureEvent;
    const event = parsed.Event ?? parsed;
    const attributes = [...(event.Attribute ?? []), ...(event.Object ?? []).flatMap((object) => object.Attribute ?? [])];
    const found = attributes.find((a) => a.type === type && (a.to_ids === true || a.to_ids === '1') && a.value);
    if (!found?.value) throw new Error(`no to_ids ${type} attribute in ${file}`);
    return type.includes('|') ? found.value.slice(found.value.indexOf('|') + 1) : found.value;
  };
  return { mispDomain: pick('mispDomain'), mispIp: pick('mispIp'), mispUrl: pick('mispUrl'), feedSha256: pick('feedSha256'), sharedSha256: pick('sharedSha256') };
}
