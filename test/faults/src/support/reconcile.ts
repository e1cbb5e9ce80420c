import type { PlannedEvent } from './load-generator';

/** Documents in Elasticsearch for one input id and one `misp_src` value (a composite-agg bucket). */
export interface IndexedBucket {
  readonly id: string;
  readonly mispSrc: string;
  readonly count: number;
}

/** One record read back from a dead-letter topic. */
export interface DeadLetter {
  readonly id: string | undefined;
  readonly topic: string;
  /** The reason header, `iocflow.dlq.reason` (both stages: core's DEAD_LETTER_HEADERS). */
  readonly reason: string | undefined;
  /** Length of the value as stored in the dead-letter topic. */
  readonly valueBytes?: number;
  /** `iocflow.dlq.truncated`: the original length, when the value was cut to fit the topic. */
  readonly truncated?: number;
  /** `iocflow.dlq.sha256`: hash of the whole original value, when it was cut. */
  readonly sha256?: string;
}

export interface Reconciliation {
  readonly eventsIn: number;
  /** Input ids with at least one document. */
  readonly indexed: number;
  /** Input ids with at least one dead letter. */
  readonly deadLettered: number;
  /** Input ids found nowhere. Must be 0. */
  readonly lost: number;
  /** Extra copies: documents plus dead letters beyond one per raw-logs record of the id. Must be 0. */
  readonly duplicated: number;
  /** Ids whose indicator existed but whose document says "none". Must be 0. */
  readonly falseNone: number;
  /** Other wrong `misp_src` values (e.g. "unknown", a wrong feed, a hit for a benign event). */
  readonly wrongSrc: number;
  /** Ids that ended where their expectation says they must not (indexed vs dead-lettered). */
  readonly misplaced: number;
  /** Dead letters with no reason header, or no id to trace them to an input. */
  readonly deadLettersWithoutReason: number;
  /** Documents or dead letters whose id is not one of the inputs. */
  readonly unknownIds: number;
  /** Dead letters per reason, e.g. `{ not_json: 3 }`. */
  readonly reasons: Readonly<Record<string, number>>;
  /** Up to 10 ids per problem, for the failure message. */
  readonly samples: Readonly<Record<string, readonly string[]>>;
}

/**
 * The suite's verdict, as Kafka's own system tests put it: the output set equals the input set.
 * Every input id is either in Elasticsearch exactly once with the `misp_src` its indicators
 * call for, or in a dead-letter topic (once) with a reason — nothing lost, nothing false.
 */
export function reconcile(
  planned: readonly PlannedEvent[],
  indexed: readonly IndexedBucket[],
  deadLetters: readonly DeadLetter[],
  /** Raw-logs records per input id when the load producer wrote some twice; absent = one each. */
  rawCopies?: ReadonlyMap<string, number>,
): Reconciliation {
  const docs = new Map<string, { count: number; srcs: Set<string> }>();
  for (const bucket of indexed) {
    const entry = docs.get(bucket.id) ?? { count: 0, srcs: new Set<string>() };
    entry.count += bucket.count;
    entry.srcs.add(bucket.mispSrc);
    docs.set(bucket.id, entry);
  }
  const letters = new Map<string, number>();
  const reasons: Record<string, number> = {};
  let deadLettersWithoutReason = 0;
  for (const letter of deadLetters) {
    if (letter.reason === undefined || letter.id === undefined) deadLettersWithoutReason++;
    if (letter.reason !== undefined) reasons[letter.reason] = (reasons[letter.reason] ?? 0) + 1;
    if (letter.id !== undefined) letters.set(letter.id, (letters.get(letter.id) ?? 0) + 1);
  }
  const samples: Record<string, string[]> = {};
  const note = (problem: string, id: string): void => {
    const list = (samples[problem] ??= []);
    if (list.length < 10) list.push(id);
  };
  const inputIds = new Set<string>();
  let indexedIds = 0;
  let deadLettered = 0;
  let lost = 0;
  let duplicated = 0;
  let falseNone = 0;
  let wrongSrc = 0;
  let misplaced = 0;
  for (const event of planned) {
    inputIds.add(event.id);
    const doc = docs.get(event.id);
    const dead = letters.get(event.id) ?? 0;
    if (doc) indexedIds++;
    if (dead > 0) deadLettered++;
    if (!doc && dead === 0) {
      lost++;
      note('lost', event.id);
      continue;
    }
    // Each raw-logs copy of an event is its own record, indexed (or dead-lettered) once by iocflow.
    const copies = Math.max(1, rawCopies?.get(event.id) ?? 1);
    const extra = Math.max(0, (doc?.count ?? 0) + dead - copies);
    if (extra > 0) {
      duplicated += extra;
      note('duplicated', event.id);
    }
    const expected = event.expected;
    if (expected.kind === 'dead-letter' && doc) {
      misplaced++;
      note('indexed but should be dead-lettered', event.id);
    }
    if (expected.kind === 'indexed' && !doc) {
      misplaced++;
      note('dead-lettered but should be indexed', event.id);
    }
    const wantedSrc = expected.kind === 'dead-letter' ? undefined : expected.mispSrc;
    if (wantedSrc !== undefined && doc) {
      for (const src of doc.srcs) {
        if (src === wantedSrc) continue;
        if (src === 'none' && wantedSrc !== 'none') {
          falseNone++;
          note('false none', event.id);
        } else {
          wrongSrc++;
          note(`misp_src ${src} instead of ${wantedSrc}`, event.id);
        }
      }
    }
  }
  let unknownIds = 0;
  for (const id of new Set([...docs.keys(), ...letters.keys()])) {
    if (!inputIds.has(id)) {
      unknownIds++;
      note('unknown id', id);
    }
  }
  return { eventsIn: planned.length, indexed: indexedIds, deadLettered, lost, duplicated, falseNone, wrongSrc, misplaced, deadLettersWithoutReason, unknownIds, reasons, samples };
}

/** True when the run proved the guarantee; the failure message prints the whole reconciliation. */
export function isClean(result: Reconciliation): boolean {
  return (
    result.lost === 0 &&
    result.duplicated === 0 &&
    result.falseNone === 0 &&
    result.wrongSrc === 0 &&
    result.misplaced === 0 &&
    result.deadLettersWithoutReason === 0 &&
    result.unknownIds === 0
  );
}
