import { existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The repository's test fixtures, `<repo>/test/fixtures` (test/fixtures/SOURCES.md gives each
 * file's origin, commit and licence). The repository root is the nearest directory above `from`
 * holding `nx.json`; this file's own directory comes first, so it works from the sources (Jest),
 * from a bundle under `dist/` and from any working directory. Never looks outside the repository.
 */
export function fixturesDir(from: readonly string[] = [__dirname, process.cwd()]): string {
  for (const start of from) {
    for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
      if (existsSync(path.join(dir, 'nx.json'))) {
        const fixtures = path.join(dir, 'test', 'fixtures');
        if (existsSync(path.join(fixtures, 'SOURCES.md'))) return fixtures;
        break;
      }
      if (path.dirname(dir) === dir) break;
    }
  }
  throw new Error(`no test/fixtures/SOURCES.md in the repository above ${from.join(' or ')}`);
}

/** A file under `<repo>/test/fixtures`, by its path there (`zeek/testing/…/dns.log`). */
export function fixturePath(relative: string): string {
  return path.join(fixturesDir(), relative);
}
