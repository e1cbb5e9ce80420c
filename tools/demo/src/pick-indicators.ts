import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DemoIndicators } from './demo-samples';

/** Where the demo takes one real indicator of each kind from (events the MISP stand-in serves). */
const SOURCES: Readonly<Record<keyof DemoIndicators, { file: string; types: readonly string[] }>> = {
  domain: { file: 'pymisp/tests/mispevent_testfiles/existing_event.json', types: ['domain'] },
  ip: { file: 'pymisp/tests/reportlab_testfiles/to_delete2.json', types: ['ip-dst'] },
  url: { file: 'digitalside-misp-feed/digitalside-misp-feed/5ecea68b-9bc0-493b-9c23-7555c0a80102.json', types: ['url'] },
  sha256: { file: 'pymisp/tests/reportlab_testfiles/long_event.json', types: ['sha256'] },
};

interface FixtureAttribute {
  readonly type?: string;
  readonly value?: string;
  readonly to_ids?: boolean | string;
}

/** The first to_ids attribute of the wanted type in each source event (top level, then objects). */
export function pickIndicators(fixturesRoot: string): DemoIndicators {
  const pick = (key: keyof DemoIndicators): string => {
    const { file, types } = SOURCES[key];
    const parsed = JSON.parse(readFileSync(join(fixturesRoot, file), 'utf8')) as { Event?: FixtureEvent } & FixtureEvent;
    const event = parsed.Event ?? parsed;
    const attributes = [...(event.Attribute ?? []), ...(event.Object ?? []).flatMap((object) => object.Attribute ?? [])];
    const found = attributes.find((a) => types.includes(a.type ?? '') && (a.to_ids === true || a.to_ids === '1') && a.value);
    if (!found?.value) throw new Error(`no to_ids ${types.join('/')} attribute in ${file}`);
    return found.value;
  };
  return { domain: pick('domain'), ip: pick('ip'), url: pick('url'), sha256: pick('sha256') };
}

interface FixtureEvent {
  readonly Attribute?: readonly FixtureAttribute[];
  readonly Object?: readonly { readonly Attribute?: readonly FixtureAttribute[] }[];
}
