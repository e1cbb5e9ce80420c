/**
 * scripts/patch-kafkajs.cjs makes kafkajs' protocol Encoder allocate with `Buffer.allocUnsafe`
 * (pooled, not zero-filled). These specs check that the installed kafkajs is patched, and that
 * the patch cannot leak memory contents onto the wire: every encoding is byte-identical whether
 * the allocated memory held zeros or garbage.
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
