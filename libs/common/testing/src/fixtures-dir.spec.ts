import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fixturePath, fixturesDir } from './fixtures-dir';

describe('fixturesDir', () => {
  it("finds the repository's test/fixtures from this library", () => {
    expect(path.relative(path.resolve(__dirname, '../../../..'), fixturesDir())).toBe(path.join('test', 'fixtures'));
    expect(existsSync(fixturePath('SOURCES.md'))).toBe(true);
  });

  it('stops at the repository root: a test/fixtures above it is never used', () => {
    const outside = mkdtempSync(path.join(tmpdir(), 'fixtures-dir-'));
    try {
      mkdirSync(path.join(outside, 'test', 'fixtures'), { recursive: true });
      writeFileSync(path.join(outside, 'test', 'fixtures', 'SOURCES.md'), '');
      const repo = path.join(outside, 'repo');
      mkdirSync(path.join(repo, 'dist', 'bench'), { recursive: true });
      writeFileSync(path.join(repo, 'nx.json'), '{}');
      expect(() => fixturesDir([path.join(repo, 'dist', 'bench')])).toThrow(/no test\/fixtures\/SOURCES.md/);
      mkdirSync(path.join(repo, 'test', 'fixtures'), { recursive: true });
      writeFileSync(path.join(repo, 'test', 'fixtures', 'SOURCES.md'), '');
      expect(fixturesDir([path.join(repo, 'dist', 'bench')])).toBe(path.join(repo, 'test', 'fixtures'));
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
