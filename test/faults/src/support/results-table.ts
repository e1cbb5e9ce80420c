import { appendFileSync, mkdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { Reconciliation } from './reconcile';

/** One row of docs/reliability.md: a scenario's reconciliation plus what the fault cost. */
export interface ScenarioResult extends Reconciliation {
  readonly scenario: string;
  readonly mode: 'short' | 'long';
  /** From the end of the fault (service back / link restored) until everything produced so far was reconciled. */
  readonly recoverySeconds: number | undefined;
  /** Peak RSS (VmHWM) per service, kB. */
  readonly peakRssKb?: Readonly<Record<string, number>>;
  /** Enriched records beyond the inputs (replays the indexer's ids absorbed). */
  readonly replayed?: number;
  readonly notes?: string;
}

// Relative, not @iocflow/testing's REPO_ROOT: Jest's globalSetup/teardown load this without the path mapping.
const REPO_ROOT = path.resolve(__dirname, '../../../..');

/** Results of the current run, one JSON line per scenario (`FAULTS_RESULTS`, default dist/faults/results.jsonl). */
export function resultsFile(env: NodeJS.ProcessEnv = process.env): string {
  return env['FAULTS_RESULTS'] || path.join(REPO_ROOT, 'dist', 'faults', 'results.jsonl');
}

export function recordResult(result: ScenarioResult, file = resultsFile()): void {
  mkdirSync(path.dirname(file), { recursive: true });
  appendFileSync(file, `${JSON.stringify(result)}\n`);
  console.log(`\n${formatTable([result])}\n`);
}

export function readResults(file = resultsFile()): ScenarioResult[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as ScenarioResult);
}

/** The markdown table docs/reliability.md carries. */
export function formatTable(results: readonly ScenarioResult[]): string {
  const header = '| scenario | mode | events in | indexed | dead-lettered | lost | duplicated | false "none" | other wrong misp_src | replays absorbed | time to recover | peak RSS (MiB) | notes |';
  const rule = '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|';
  const rows = results.map((r) =>
    [
      r.scenario,
      r.mode,
      r.eventsIn,
      r.indexed,
      r.deadLettered,
      r.lost,
      r.duplicated,
      r.falseNone,
      r.wrongSrc + r.misplaced,
      r.replayed ?? '–',
      r.recoverySeconds === undefined ? '–' : `${r.recoverySeconds.toFixed(1)} s`,
      r.peakRssKb ? Object.entries(r.peakRssKb).map(([name, kb]) => `${name} ${(kb / 1024).toFixed(0)}`).join(', ') : '–',
      [r.notes, Object.keys(r.reasons).length ? `reasons: ${Object.entries(r.reasons).map(([k, v]) => `${k} ${v}`).join(', ')}` : ''].filter(Boolean).join('; ') || '–',
    ].join(' | '),
  );
  return [header, rule, ...rows.map((row) => `| ${row} |`)].join('\n');
}
