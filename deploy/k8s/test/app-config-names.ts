import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The environment variable names each service validates, read from the source of its config
 * schema (apps/<app>/src/<app>.config.ts plus the shared blocks of libs/common/nest it spreads:
 * `serviceEnvironment`, `elasticsearchEnvironment`). Read as text on purpose: the deploy project may not import the apps (module
 * boundaries), and the names are plain object keys (`  KAFKA_BROKERS: hostPortList(...)`).
 */
export interface AppConfigNames {
  /** App name → every variable its schema accepts. */
  readonly byApp: ReadonlyMap<string, ReadonlySet<string>>;
  /** SECRET_VARIABLES of libs/common/nest: values never printed, and never in a ConfigMap. */
  readonly secretVariables: ReadonlySet<string>;
}

const ENV_SCHEMAS = path.join('libs', 'common', 'nest', 'src', 'config', 'env-schemas.ts');
const KEY = /^\s+([A-Z][A-Z0-9_]*):/gm;
/** The shared schema blocks an app's config may spread (`...serviceEnvironment`). */
const SHARED_BLOCKS = ['serviceEnvironment', 'elasticsearchEnvironment'] as const;

export function readAppConfigNames(repoRoot: string, apps: readonly string[]): AppConfigNames {
  const shared = readFileSync(path.join(repoRoot, ENV_SCHEMAS), 'utf8');
  const sharedBlocks = SHARED_BLOCKS.map((block) => {
    const head = `export const ${block} = {`;
    const start = shared.indexOf(head);
    const end = start < 0 ? -1 : shared.indexOf('\n};', start);
    if (end < 0) throw new Error(`${ENV_SCHEMAS}: ${block} not found (was it renamed?)`);
    return { spread: `...${block}`, names: keys(shared.slice(start + head.length, end)) };
  });
  const secretBlock = /SECRET_VARIABLES[^=]*=\s*new Set\(\[([\s\S]*?)\]\)/.exec(shared)?.[1];
  if (secretBlock === undefined) throw new Error(`${ENV_SCHEMAS}: SECRET_VARIABLES not found (was it renamed?)`);
  const secretVariables = new Set([...secretBlock.matchAll(/'([A-Z0-9_]+)'/g)].map((match) => match[1] ?? ''));

  const byApp = new Map<string, ReadonlySet<string>>();
  for (const app of apps) {
    const file = path.join(repoRoot, 'apps', app, 'src', `${app}.config.ts`);
    if (!existsSync(file)) throw new Error(`apps/${app}/src/${app}.config.ts does not exist: cannot check the manifests' variable names`);
    const source = readFileSync(file, 'utf8');
    const names = new Set(keys(source));
    for (const block of sharedBlocks) if (source.includes(block.spread)) for (const name of block.names) names.add(name);
    byApp.set(app, names);
  }
  return { byApp, secretVariables };
}

function keys(source: string): string[] {
  return [...source.matchAll(KEY)].map((match) => match[1] ?? '');
}
