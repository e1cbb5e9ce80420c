import { kcatReadAll } from './kcat';

/** Where each source record sits: key `k<i>` → its partition and value length. */
export interface SourceIndex {
  readonly count: number;
  readonly partitionOf: Int16Array;
  readonly lengthOf: Uint32Array;
}

export interface Verdict {
  readonly records: number;
  /** Source records missing from the output (must be 0). */
  readonly lost: number;
  /** Extra copies (0 in a passthrough; a rebalance may replay what was not committed yet). */
  readonly duplicated: number;
  /** First copies that came after a later record of the same source partition (must be 0). */
  readonly outOfOrder: number;
  /** Output records whose value length differs from the source's, or whose key is unknown. */
  readonly corrupt: number;
  /** Output records in another partition than their source record (the drivers keep it). */
  readonly movedPartition: number;
  /** CreateTime of the first and last output record (epoch ms). */
  readonly firstTimestamp: number;
  readonly lastTimestamp: number;
}

function parseKey(key: string): number {
  return key.charCodeAt(0) === 107 /* k */ ? Number(key.slice(1)) : Number.NaN;
}

export async function indexSource(brokers: string, topic: string, count: number): Promise<SourceIndex> {
  const partitionOf = new Int16Array(count).fill(-1);
  const lengthOf = new Uint32Array(count);
  await kcatReadAll(brokers, topic, (line) => {
    const [partition, key, length] = line.split('\t');
    const i = parseKey(key ?? '');
    if (!(i >= 0 && i < count)) throw new Error(`source ${topic}: unexpected key ${key}`);
    partitionOf[i] = Number(partition);
    lengthOf[i] = Number(length);
  });
  const missing = partitionOf.indexOf(-1);
  if (missing >= 0) throw new Error(`source ${topic}: record k${missing} is missing`);
  return { count, partitionOf, lengthOf };
}

/** Reads the whole output topic back (kcat) and checks it against the source, record by record. */
export async function verifyOutput(brokers: string, topic: string, source: SourceIndex): Promise<Verdict> {
  const seen = new Uint16Array(source.count);
  const lastIndex = new Map<string, number>();
  let records = 0;
  let outOfOrder = 0;
  let corrupt = 0;
  let movedPartition = 0;
  let firstTimestamp = Number.POSITIVE_INFINITY;
  let lastTimestamp = 0;
  await kcatReadAll(brokers, topic, (line) => {
    records += 1;
    const [partition, key, length, timestamp] = line.split('\t');
    const i = parseKey(key ?? '');
    if (!(i >= 0 && i < source.count) || Number(length) !== source.lengthOf[i]) {
      corrupt += 1;
      return;
    }
    const ts = Number(timestamp);
    if (ts < firstTimestamp) firstTimestamp = ts;
    if (ts > lastTimestamp) lastTimestamp = ts;
    const from = source.partitionOf[i] as number;
    if (Number(partition) !== from) movedPartition += 1;
    seen[i] = Math.min(65535, (seen[i] as number) + 1);
    if (seen[i] !== 1) return; // a replay: order is judged on first copies
    const stream = `${partition}/${from}`;
    const last = lastIndex.get(stream) ?? -1;
    if (i < last) outOfOrder += 1;
    else lastIndex.set(stream, i);
  });
  let lost = 0;
  let duplicated = 0;
  for (let i = 0; i < source.count; i++) {
    const n = seen[i] as number;
    if (n === 0) lost += 1;
    else duplicated += n - 1;
  }
  return { records, lost, duplicated, outOfOrder, corrupt, movedPartition, firstTimestamp, lastTimestamp };
}
