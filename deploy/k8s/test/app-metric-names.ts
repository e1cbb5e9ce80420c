import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The Prometheus metric names the services register (prom-client `name: '…'` in apps/*\/src), with
 * the series a histogram adds (`_bucket`, `_sum`, `_count`). Read as text: the deploy project may
 * not import the apps.
 */
export function readAppMetricNames(repoRoot: string): Set<string> {
  const names = new Set<string>();
  for (const app of readdirSync(path.join(repoRoot, 'apps'))) for (const name of readMetricNamesOf(repoRoot, app)) names.add(name);
  return names;
}

/**
 * The metric names one app registers (without the histogram series). Every one must start with
 * `iocflow_<service>_`, the service's name with `-` as `_` (docs/operations.md, "Metric names").
 */
export function readMetricNamesOf(repoRoot: string, app: string): Set<string> {
  const names = new Set<string>();
  for (const file of sourceFiles(path.join(repoRoot, 'apps', app))) {
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/new (Counter|Gauge|Histogram|Summary)\(\{\s*name:\s*'([a-z_:][a-z0-9_:]*)'/g)) {
      const [, type = '', name = ''] = match;
      names.add(name);
      if (type === 'Histogram' || type === 'Summary') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
    }
  }
  return names;
}

/**
 * The label names each metric (and each histogram series) is registered with, from `labelNames: […]`
 * in its options; a histogram's `_bucket` series also has `le`. Read as text, like the names.
 */
export function readAppMetricLabels(repoRoot: string): Map<string, Set<string>> {
  const labels = new Map<string, Set<string>>();
  for (const app of readdirSync(path.join(repoRoot, 'apps'))) {
    for (const file of sourceFiles(path.join(repoRoot, 'apps', app))) {
      const source = readFileSync(file, 'utf8');
      for (const match of source.matchAll(/new (Counter|Gauge|Histogram|Summary)\(\{\s*name:\s*'([a-z_:][a-z0-9_:]*)'([\s\S]*?)\bregisters\b/g)) {
        const [, type = '', name = '', options = ''] = match;
        const declared = [...(/labelNames:\s*\[([^\]]*)\]/.exec(options)?.[1] ?? '').matchAll(/'([^']+)'/g)].map((label) => label[1] ?? '');
        labels.set(name, new Set(declared));
        if (type === 'Histogram' || type === 'Summary') {
          labels.set(`${name}_bucket`, new Set([...declared, 'le']));
          for (const suffix of ['_sum', '_count']) labels.set(`${name}${suffix}`, new Set(declared));
        }
      }
    }
  }
  return labels;
}

/** The label names a PromQL expression groups by (`by (a, b)`, `without` is not used here). */
export function groupingLabels(expression: string): string[] {
  return [...expression.matchAll(/\bby\s*\(([^)]*)\)/g)].flatMap((match) => (match[1] ?? '').split(',').map((label) => label.trim()).filter((label) => label !== ''));
}

/** Our metric names referenced by a PromQL expression (the iocflow_ prefix every service metric carries). */
export function referencedMetrics(expression: string): string[] {
  return [...expression.matchAll(/\b(iocflow_[a-z0-9_]+)\b/g)].map((match) => match[1] ?? '');
}

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') && full.includes(`${path.sep}src${path.sep}`) ? [full] : [];
  });
}
