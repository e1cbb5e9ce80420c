/**
 * Runs the MISP stand-in as a process (demo, manual tests, benchmarks).
 *
 *   MISP_STANDIN_PORT       listen port, default 8088 (plain HTTP)
 *   MISP_STANDIN_HOST       listen address, default 127.0.0.1
 *   MISP_STANDIN_API_KEY    the accepted Authorization value, default DEFAULT_STANDIN_API_KEY
 *   MISP_STANDIN_FIXTURES   comma-separated event fixture files (relative to the fixtures root)
 *   MISP_STANDIN_FIXTURES_ROOT  default <repo>/test/fixtures
 *   MISP_STANDIN_EVENT_TAGS a JSON file: event uuid → tag names added to that event (feed tags)
 *   MISP_STANDIN_GENERATE   serve N generated attributes instead of fixtures (benchmarks)
 *   MISP_STANDIN_SEED       generator seed, default 1
 *
 * Prints one line `MISP stand-in listening on <url>` when ready; stops on SIGINT/SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { MispStandin, type MispStandinOptions } from './misp-standin';

async function main(): Promise<void> {
  const env = process.env;
  const port = Number(env['MISP_STANDIN_PORT'] ?? 8088);
  const fixtures = env['MISP_STANDIN_FIXTURES']?.split(',').map((file) => file.trim()).filter(Boolean);
  const options: MispStandinOptions = {
    ...(env['MISP_STANDIN_API_KEY'] ? { apiKey: env['MISP_STANDIN_API_KEY'] } : {}),
    ...(fixtures?.length ? { fixtures } : {}),
    ...(env['MISP_STANDIN_FIXTURES_ROOT'] ? { fixturesRoot: env['MISP_STANDIN_FIXTURES_ROOT'] } : {}),
    ...(env['MISP_STANDIN_EVENT_TAGS'] ? { eventTags: readEventTags(env['MISP_STANDIN_EVENT_TAGS']) } : {}),
  };
  const generate = Number(env['MISP_STANDIN_GENERATE'] ?? 0);
  const standin = generate > 0 ? MispStandin.withGeneratedAttributes(generate, { seed: Number(env['MISP_STANDIN_SEED'] ?? 1) }, options) : new MispStandin(options);
  const { url } = await standin.start(port, env['MISP_STANDIN_HOST'] ?? '127.0.0.1');
  console.log(`MISP stand-in listening on ${url}`);
  const shutdown = (): void => void standin.stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

/** `{"<event uuid>": ["Feed-…", …], …}`; anything else is refused with the file's name. */
function readEventTags(file: string): Record<string, string[]> {
  const json: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const valid =
    typeof json === 'object' && json !== null && !Array.isArray(json) && Object.values(json).every((names) => Array.isArray(names) && names.every((name) => typeof name === 'string'));
  if (!valid) throw new Error(`MISP_STANDIN_EVENT_TAGS: ${file} is not {"<event uuid>": ["<tag name>", …]}`);
  return json as Record<string, string[]>;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
