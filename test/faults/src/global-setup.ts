import { rmSync } from 'node:fs';
import { resultsFile } from './support/results-table';

/** Each run starts a fresh results file, so the table printed at the end is this run's. */
export default function globalSetup(): void {
  rmSync(resultsFile(), { force: true });
}
