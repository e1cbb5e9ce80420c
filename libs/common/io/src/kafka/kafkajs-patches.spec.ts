/**
 * scripts/patch-kafkajs.cjs patches two kafkajs files. These specs check that the installed kafkajs
 * is patched, and what each patch promises:
 * - the protocol Encoder allocates with `Buffer.allocUnsafe` (pooled, not zero-filled) and cannot
 *   leak memory contents onto the wire: every encoding is byte-identical whether the allocated
 *   memory held zeros or garbage;
 * - the RequestQueue arms its pending-request timer only while a request waits, never with a
 *   negative delay (Node 24's TimeoutNegativeWarning, a 1 ms timer loop per connection), and a
 *   request held back by a throttle or the in-flight limit is still sent.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const load = createRequire(__filename);
const REPO = path.resolve(__dirname, '..', '..', '..', '..', '..');

interface Patch {
  readonly module: string;
  readonly patchedSha256: string;
}
const { PATCHES, sha256 } = load(path.join(REPO, 'scripts', 'patch-kafkajs.cjs')) as { PATCHES: Patch[]; sha256: (text: string) => string };

interface EncoderInstance {
  readonly buf: Buffer;
  readonly buffer: Buffer;
}
type EncoderClass = new (initialSize?: number) => EncoderInstance;
interface RecordInput {
  readonly key: Buffer | string | null;
  readonly value: Buffer | string | null;
  readonly headers?: Record<string, Buffer | string>;
}
type RecordEncoder = (record: RecordInput & { offsetDelta: number; timestampDelta: number }) => EncoderInstance;
type RecordBatchEncoder = (batch: { records: EncoderInstance[]; firstTimestamp: number; maxTimestamp: number; lastOffsetDelta: number }) => Promise<EncoderInstance>;

const Encoder = load('kafkajs/src/protocol/encoder') as EncoderClass;
const Record = load('kafkajs/src/protocol/recordBatch/record/v0') as RecordEncoder;
const { RecordBatch } = load('kafkajs/src/protocol/recordBatch/v0') as { RecordBatch: RecordBatchEncoder };

/** Records of every shape the services produce: keys or none, Buffers and strings, headers, multi-byte UTF-8, sizes across the 512/1024/2048 growth steps. */
function records(): EncoderInstance[] {
  const shapes: RecordInput[] = [
    { key: 'e1', value: '{"a":1}' },
    { key: null, value: Buffer.from('x'.repeat(700)) },
    { key: Buffer.from('k'), value: `{"m":"${'é'.repeat(400)}"}`, headers: { 'iocflow.origin': 'raw-logs/3/1234567' } },
    { key: 'e4', value: null },
    { key: 'e5', value: 'y'.repeat(3000), headers: { a: Buffer.from([0, 1, 2]), 'iocflow.origin': 'raw-logs/11/9' } },
  ];
  return shapes.map((shape, i) => Record({ offsetDelta: i, timestampDelta: i * 7, ...shape }));
}

async function encodeAll(): Promise<Buffer> {
  const batch = await RecordBatch({ records: records(), firstTimestamp: 1_700_000_000_000, maxTimestamp: 1_700_000_000_004, lastOffsetDelta: 4 });
  return Buffer.concat([...records().map((record) => record.buffer), batch.buffer]);
}

describe('kafkajs encoder patch (scripts/patch-kafkajs.cjs)', () => {
  afterEach(() => jest.restoreAllMocks());

  it.each(PATCHES.map((patch) => [patch.module, patch] as const))('%s is patched in node_modules (run `node scripts/patch-kafkajs.cjs` if not)', (_module, patch) => {
    expect(sha256(readFileSync(load.resolve(patch.module), 'utf8'))).toBe(patch.patchedSha256);
  });

  it('is installed: encoders take their memory from the shared pool (run `node scripts/patch-kafkajs.cjs` if not)', () => {
    const encoder = new Encoder();
    // Buffer.alloc(512) owns an ArrayBuffer of 512 bytes; allocUnsafe(512) is a slice of the 8 KiB pool.
    expect(encoder.buf.buffer.byteLength).toBe(Buffer.poolSize);
  });

  it('writes the same bytes whatever the allocated memory held (no uninitialised byte reaches the wire)', async () => {
    const realAlloc = Buffer.alloc.bind(Buffer);
    const filledWith = (fill: number) => (size: number) => realAlloc(size, fill);

    jest.spyOn(Buffer, 'allocUnsafe').mockImplementation(filledWith(0x00));
    const fromZeros = await encodeAll();
    jest.spyOn(Buffer, 'allocUnsafe').mockImplementation(filledWith(0xa5));
    const fromGarbage = await encodeAll();
    jest.spyOn(Buffer, 'allocUnsafe').mockImplementation(filledWith(0xff));
    const fromOnes = await encodeAll();

    expect(Buffer.allocUnsafe).toHaveBeenCalled();
    expect(fromGarbage.equals(fromZeros)).toBe(true);
    expect(fromOnes.equals(fromZeros)).toBe(true);
    expect(fromZeros.length).toBeGreaterThan(8000);
  });
});

interface QueueEntry {
  readonly correlationId: number;
  readonly apiKey: number;
  readonly apiName: string;
  readonly apiVersion: number;
  readonly resolve: (response: unknown) => void;
  readonly reject: (error: unknown) => void;
}
interface RequestQueueInstance {
  readonly pending: readonly unknown[];
  readonly throttleCheckTimeoutId: NodeJS.Timeout | null;
  push(request: { entry: QueueEntry; expectResponse: boolean; sendRequest: () => void }): void;
  fulfillRequest(response: { correlationId: number; payload: Buffer; size: number }): void;
  maybeThrottle(clientSideThrottleTime: number): void;
  destroy(): void;
}
type RequestQueueClass = new (options: Record<string, unknown>) => RequestQueueInstance;
const RequestQueue = load('kafkajs/src/network/requestQueue') as RequestQueueClass;

describe('kafkajs request queue patch (scripts/patch-kafkajs.cjs)', () => {
  const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  let queue: RequestQueueInstance;
  let delays: number[];
  let sent: number[];

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_800_000_000_000 });
    const realSetTimeout = setTimeout;
    delays = [];
    jest.spyOn(global, 'setTimeout').mockImplementation(((callback: () => void, ms?: number) => {
      delays.push(ms ?? 0);
      return realSetTimeout(callback, ms);
    }) as typeof setTimeout);
    sent = [];
    queue = new RequestQueue({ maxInFlightRequests: 1, requestTimeout: 30_000, enforceRequestTimeout: false, clientId: 'spec', broker: 'broker:9092', logger: silent });
  });

  afterEach(() => {
    queue.destroy();
    jest.restoreAllMocks();
    jest.useRealTimers();
  });

  const push = (correlationId: number): void =>
    queue.push({
      entry: { correlationId, apiKey: 3, apiName: 'Metadata', apiVersion: 6, resolve: () => undefined, reject: () => undefined },
      expectResponse: true,
      sendRequest: () => sent.push(correlationId),
    });
  const respond = (correlationId: number): void => queue.fulfillRequest({ correlationId, payload: Buffer.alloc(0), size: 0 });

  it('arms no timer once a response leaves nothing pending (the original armed one at about -Date.now() ms, after every response)', () => {
    push(1);
    respond(1);
    push(2);
    respond(2);
    expect(sent).toEqual([1, 2]);
    expect(delays).toEqual([]);
    expect(queue.throttleCheckTimeoutId).toBeNull();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('still sends a request held back by the in-flight limit, from the response that frees the slot', () => {
    push(1);
    push(2);
    expect(sent).toEqual([1]);
    expect(delays).toEqual([10]);
    respond(1);
    expect(sent).toEqual([1, 2]);
  });

  it('still sends a request held back by a broker throttle, when the throttle ends', () => {
    push(1);
    respond(1);
    queue.maybeThrottle(250);
    push(2);
    expect(sent).toEqual([1]);
    expect(delays).toEqual([250]);
    jest.advanceTimersByTime(249);
    expect(sent).toEqual([1]);
    jest.advanceTimersByTime(1);
    expect(sent).toEqual([1, 2]);
    respond(2);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('never passes a negative delay to setTimeout, so Node prints no TimeoutNegativeWarning', () => {
    for (let id = 1; id <= 20; id += 1) {
      push(id);
      if (id % 3 === 0) queue.maybeThrottle(5);
      jest.advanceTimersByTime(2);
      respond(id);
      jest.advanceTimersByTime(10);
    }
    expect(sent).toHaveLength(20);
    expect(delays.every((delay) => delay > 0)).toBe(true);
  });
});
