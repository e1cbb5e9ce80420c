/**
 * Reads the parts of a Markdown document the doc-vs-manifest specs compare: the first table or
 * fenced code block after a heading. Cells are trimmed and their backticks removed, so the doc can
 * format values as code; a heading that is missing, or has no table, is an error that names it.
 */
export interface MarkdownTable {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

function sectionAfter(markdown: string, heading: string): string {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => /^#{1,6} /.test(line) && line.replace(/^#+ /, '').trim() === heading);
  if (start < 0) throw new Error(`no heading "${heading}"`);
  const level = (lines[start] ?? '').indexOf(' ');
  const end = lines.findIndex((line, i) => i > start && /^#{1,6} /.test(line) && line.indexOf(' ') <= level);
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((cell) => cell.trim().replace(/`/g, ''));
}

/** The `index`-th table (0: the first) in the section under `heading`. */
export function tableAfter(markdown: string, heading: string, index = 0): MarkdownTable {
  // Runs of consecutive `|` lines whose second line is the `|---|` separator.
  const tables: string[][] = [];
  let run: string[] = [];
  for (const line of [...sectionAfter(markdown, heading).split('\n'), '']) {
    if (line.trim().startsWith('|')) {
      run.push(line);
      continue;
    }
    if (run.length >= 2 && /^\|[\s|:-]+\|$/.test((run[1] ?? '').trim())) tables.push(run);
    run = [];
  }
  const table = tables[index];
  if (table === undefined) throw new Error(`no table ${index} under "${heading}"`);
  return { header: cells(table[0] ?? ''), rows: table.slice(2).map(cells) };
}

/** The first fenced code block in the section under `heading`, without its fences. */
export function codeBlockAfter(markdown: string, heading: string): string {
  const match = /```[^\n]*\n([\s\S]*?)\n```/.exec(sectionAfter(markdown, heading));
  if (match === null) throw new Error(`no code block under "${heading}"`);
  return match[1] ?? '';
}
