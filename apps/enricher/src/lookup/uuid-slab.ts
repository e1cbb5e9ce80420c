/** A canonical UUID as MISP writes attribute uuids: lower-case hex, 8-4-4-4-12. */
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Hex start offsets of the four 32-bit words in `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (dashes skipped by `word`). */
const WORDS = [0, 9, 19, 28] as const;

/**
 * Canonical UUIDs kept as 16 bytes each in one growing Uint32Array instead of a 36-character
 * string each (~56 bytes of heap plus the pointer to it): the table keeps one attribute uuid per
 * indicator, a million of them, and reads one back only on a hit. A slot is a small integer the
 * caller stores in place of the string. Freed slots are reused; the slab never shrinks (a table
 * reload starts a new one).
 */
export class UuidSlab {
  private words = new Uint32Array(4 * 1024);
  private used = 0;
  private readonly free: number[] = [];

  /** True when `uuid` can be stored here (canonical form); anything else is kept as the caller's string. */
  static fits(uuid: string): boolean {
    return uuid.length === 36 && CANONICAL_UUID.test(uuid);
  }

  /** Stores a uuid that `fits`, returns its slot. */
  add(uuid: string): number {
    const slot = this.free.pop() ?? this.used++;
    if (4 * (slot + 1) > this.words.length) {
      const grown = new Uint32Array(this.words.length * 2);
      grown.set(this.words);
      this.words = grown;
    }
    const base = 4 * slot;
    for (let i = 0; i < 4; i++) this.words[base + i] = word(uuid, WORDS[i] as number);
    return slot;
  }

  /** The uuid in `slot`, as it was added. */
  get(slot: number): string {
    const base = 4 * slot;
    const hex = hex8(this.words[base] as number) + hex8(this.words[base + 1] as number) + hex8(this.words[base + 2] as number) + hex8(this.words[base + 3] as number);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /** Frees `slot` for a later `add`. */
  delete(slot: number): void {
    this.free.push(slot);
  }

  /** Slots in use. */
  get size(): number {
    return this.used - this.free.length;
  }
}

/** The 32-bit word of 8 hex digits starting at `start`, skipping one dash (the 2nd and 3rd words span one). */
function word(uuid: string, start: number): number {
  const digits = uuid.slice(start, start + 9).replace('-', '').slice(0, 8);
  return Number.parseInt(digits, 16) >>> 0;
}

function hex8(value: number): string {
  return value.toString(16).padStart(8, '0');
}
