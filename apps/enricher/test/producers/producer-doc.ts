import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The repository root (this file is apps/enricher/test/producers/producer-doc.ts). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

/**
 * The code blocks of docs/producers.md that the tests run, exactly as users copy them: the block
 * right after a `<!-- test:<name> -->` marker. Reading them from the document (never a copy in
 * the test) is what keeps the two from drifting apart.
 */
export function producersDocBlock(name: string): string {
  const doc = readFileSync(path.join(REPO_ROOT, 'docs', 'producers.md'), 'utf8');
  const marker = `<!-- test:${name} -->`;
  const at = doc.indexOf(marker);
  if (at < 0) throw new Error(`docs/producers.md has no ${marker}`);
  const match = /^\s*```[^\n]*\n([\s\S]*?)\n```/.exec(doc.slice(at + marker.length));
  if (match === null) throw new Error(`docs/producers.md: no code block right after ${marker}`);
  return match[1] as string;
}

/** The ENRICHER_LOOKUP_RULES document docs/producers.md gives for a source (`zeek`, `suricata`). */
export function documentedLookupRules(source: 'zeek' | 'suricata'): string {
  return producersDocBlock(`${source}-rules`);
}
