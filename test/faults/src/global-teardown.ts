import { formatTable, readResults, resultsFile } from './support/results-table';

/** Prints every scenario's row of this run: the table docs/reliability.md carries. */
export default function globalTeardown(): void {
  const results = readResults();
  if (results.length === 0) return;
  console.log(`\nFault-injection results (${resultsFile()}):\n\n${formatTable(results)}\n`);
}
