import type { FaultStack } from './fault-stack';
import type { PlannedEvent } from './load-generator';
import { isClean, reconcile } from './reconcile';
import { recordResult, type ScenarioResult } from './results-table';

/** `FAULTS_LONG=1` (`npm run test:faults`): more events, more faults, the shared-stack outages. */
export const LONG = process.env['FAULTS_LONG'] === '1';

export function scale(short: number, long: number): number {
  return LONG ? long : short;
}

/** A counter the load generator advances, so a scenario can time its faults by progress. */
export class Progress {
  produced = 0;
  /** Resolves once at least `fraction` of `total` was produced (polled: the producer runs concurrently). */
  async reached(fraction: number, total: number): Promise<void> {
    while (this.produced < Math.floor(total * fraction)) await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface FinishOptions {
  readonly scenario: string;
  /** When the fault ended (ms since the epoch); recovery is measured from here to settled. */
  readonly faultEndedAt?: number;
  readonly settleTimeoutMs?: number;
  readonly notes?: string;
  readonly peakRss?: boolean;
  /** Documents with no event.id that are expected (hostile inputs indexed whole); default 0. */
  readonly untraceableAllowed?: number;
}

/**
 * Waits until the pipeline settled, reconciles inputs against Elasticsearch and the dead-letter
 * topics, records the row for docs/reliability.md and returns it. The caller asserts on it.
 */
export async function finishScenario(stack: FaultStack, planned: readonly PlannedEvent[], options: FinishOptions): Promise<ScenarioResult> {
  await stack.waitSettled(planned.length, options.settleTimeoutMs ?? scale(180_000, 900_000));
  const settledAt = Date.now();
  const [indexed, deadLetters, enrichedRecords, rawRecords, untraceable] = await Promise.all([
    stack.indexedBuckets(),
    stack.deadLetters(),
    stack.topicSize(stack.topics.enriched),
    stack.topicSize(stack.topics.raw),
    stack.untraceableDocuments(),
  ]);
  // The load's own producer (plain kafkajs, not idempotent) can write a record twice when a broker
  // goes away after writing it but before acknowledging: two raw-logs records are two documents
  // with iocflow's default ids. The reconciliation allows one document per raw-logs copy, so only
  // iocflow's own duplicates count; the producer's are reported in the notes.
  const sourceDuplicates = rawRecords - planned.length;
  const reconciliation = reconcile(planned, indexed, deadLetters, sourceDuplicates > 0 ? await stack.rawCopies() : undefined);
  const enrichedDeadLetters = deadLetters.filter((letter) => letter.topic === stack.topics.rawDlq).length;
  const result: ScenarioResult = {
    scenario: options.scenario,
    mode: LONG ? 'long' : 'short',
    ...reconciliation,
    recoverySeconds: options.faultEndedAt === undefined ? undefined : Math.max(0, (settledAt - options.faultEndedAt) / 1000),
    replayed: Math.max(0, enrichedRecords - (planned.length - enrichedDeadLetters)),
    ...(options.peakRss ? { peakRssKb: stack.peakRss() } : {}),
    ...(options.notes || untraceable || sourceDuplicates > 0
      ? {
          notes: [options.notes, untraceable ? `${untraceable} documents without event.id` : '', sourceDuplicates > 0 ? `raw-logs holds ${rawRecords} records for ${planned.length} events (${sourceDuplicates} written twice by the load producer)` : '']
            .filter(Boolean)
            .join('; '),
        }
      : {}),
  };
  recordResult(result);
  if (!isClean(result) || untraceable > (options.untraceableAllowed ?? 0)) {
    console.error(`${options.scenario}: reconciliation failed\n${JSON.stringify({ ...result, untraceable }, null, 2)}\n${stack.serviceLogs()}`);
  }
  return result;
}

/** The guarantee, as one assertion (the failure prints the whole row and samples). */
export function expectNothingLostNothingFalse(result: ScenarioResult): void {
  expect({
    scenario: result.scenario,
    lost: result.lost,
    duplicated: result.duplicated,
    falseNone: result.falseNone,
    wrongSrc: result.wrongSrc,
    misplaced: result.misplaced,
    deadLettersWithoutReason: result.deadLettersWithoutReason,
    unknownIds: result.unknownIds,
    samples: result.samples,
  }).toEqual({ scenario: result.scenario, lost: 0, duplicated: 0, falseNone: 0, wrongSrc: 0, misplaced: 0, deadLettersWithoutReason: 0, unknownIds: 0, samples: {} });
}
