import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

/** One regular expression written in the source: a literal, or a `RegExp` construction. */
export interface RegexSite {
  /** `apps/…/file.ts:line`. */
  readonly where: string;
  /** The pattern and flags when they are literals; undefined when built from a non-literal (audit by hand). */
  readonly pattern?: { readonly source: string; readonly flags: string };
  readonly text: string;
}

/** Source files of the services and libraries: not specs, integration tests or benchmarks. */
export function sourceFiles(root: string, folders: readonly string[]): string[] {
  const files: string[] = [];
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) {
        if (!['node_modules', 'dist', 'test', 'bench', '__fixtures__'].includes(entry.name)) walk(full);
      } else if (entry.name.endsWith('.ts') && !/\.(spec|integration-spec|faults-spec|e2e-spec|bench)\.ts$/.test(entry.name)) {
        files.push(full);
      }
    }
  };
  for (const folder of folders) walk(path.join(root, folder));
  return files.sort();
}

/** Every regex literal and `RegExp(…)` / `new RegExp(…)` in `files`, found by the TypeScript parser (not by a regex). */
export function findRegexes(root: string, files: readonly string[]): RegexSite[] {
  const sites: RegexSite[] = [];
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const where = (node: ts.Node): string => `${path.relative(root, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    const visit = (node: ts.Node): void => {
      if (ts.isRegularExpressionLiteral(node)) {
        const text = node.text;
        const end = text.lastIndexOf('/');
        sites.push({ where: where(node), pattern: { source: text.slice(1, end), flags: text.slice(end + 1) }, text });
      } else if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && ts.isIdentifier(node.expression) && node.expression.text === 'RegExp') {
        const [pattern, flags] = node.arguments ?? [];
        const literal = (argument: ts.Expression | undefined): string | undefined => (argument !== undefined && ts.isStringLiteralLike(argument) ? argument.text : undefined);
        const sourceText = literal(pattern);
        const flagText = flags === undefined ? '' : literal(flags);
        sites.push({ where: where(node), ...(sourceText !== undefined && flagText !== undefined ? { pattern: { source: sourceText, flags: flagText } } : {}), text: node.getText(source) });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return sites;
}
