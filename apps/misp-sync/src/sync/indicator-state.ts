import type { IndicatorRecord } from '@iocflow/core';

/** Read access to the indicator set, shared by the committed state and a staged batch. */
export interface IndicatorStateView {
  get(key: string): IndicatorRecord | undefined;
  /** The lookup keys one attribute currently contributes to ([] when it contributes nothing). */
  keysOfAttribute(attributeUuid: string): readonly string[];
}

/** One key whose record a batch changed; `before`/`after` undefined mean absent. */
export interface IndicatorChange {
  readonly key: string;
  readonly before: IndicatorRecord | undefined;
  readonly after: IndicatorRecord | undefined;
}

/**
 * The current indicator set: every lookup key's record (with all contributing attributes) plus an
 * index from attribute uuid to the keys it contributes to. Rebuilt at start from the compacted
 * indicator topic, then changed only through `stage()` → write the sinks → `commit()`, so a batch
 * whose writes fail leaves the state as it was and the same batch can simply be pulled again.
 */
export class IndicatorState implements IndicatorStateView {
  private readonly records = new Map<string, IndicatorRecord>();
  private readonly attributeKeys = new Map<string, readonly string[]>();

  get size(): number {
    return this.records.size;
  }

  get attributeCount(): number {
    return this.attributeKeys.size;
  }

  get(key: string): IndicatorRecord | undefined {
    return this.records.get(key);
  }

  keysOfAttribute(attributeUuid: string): readonly string[] {
    return this.attributeKeys.get(attributeUuid) ?? [];
  }

  values(): IterableIterator<IndicatorRecord> {
    return this.records.values();
  }

  attributeUuids(): IterableIterator<string> {
    return this.attributeKeys.keys();
  }

  /** Replay one record of the indicator topic (undefined = tombstone). Later records win. */
  restore(key: string, record: IndicatorRecord | undefined): void {
    this.replace(key, record);
  }

  stage(): StagedIndicators {
    return new StagedIndicators(this);
  }

  /** Apply a staged batch; only called once its writes were acknowledged. */
  commit(staged: StagedIndicators): void {
    for (const change of staged.changes()) this.replace(change.key, change.after);
  }

  private replace(key: string, record: IndicatorRecord | undefined): void {
    const previous = this.records.get(key);
    if (previous !== undefined) for (const attribute of previous.attributes) this.unindex(attribute.attributeUuid, key);
    if (record === undefined) {
      this.records.delete(key);
      return;
    }
    this.records.set(key, record);
    for (const attribute of record.attributes) this.index(attribute.attributeUuid, key);
  }

  private index(uuid: string, key: string): void {
    const keys = this.attributeKeys.get(uuid);
    if (keys === undefined) this.attributeKeys.set(uuid, [key]);
    else if (!keys.includes(key)) this.attributeKeys.set(uuid, [...keys, key]);
  }

  private unindex(uuid: string, key: string): void {
    const keys = this.attributeKeys.get(uuid);
    if (keys === undefined) return;
    const remaining = keys.filter((candidate) => candidate !== key);
    if (remaining.length === 0) this.attributeKeys.delete(uuid);
    else this.attributeKeys.set(uuid, remaining);
  }
}

/**
 * A batch of changes over a committed state, readable as if applied (later attributes of the same
 * batch see earlier ones) without touching the state until `IndicatorState.commit`.
 */
export class StagedIndicators implements IndicatorStateView {
  private readonly overrides = new Map<string, IndicatorRecord | undefined>();
  private readonly attributeOverrides = new Map<string, readonly string[]>();

  constructor(private readonly base: IndicatorStateView) {}

  get(key: string): IndicatorRecord | undefined {
    return this.overrides.has(key) ? this.overrides.get(key) : this.base.get(key);
  }

  keysOfAttribute(attributeUuid: string): readonly string[] {
    return this.attributeOverrides.get(attributeUuid) ?? this.base.keysOfAttribute(attributeUuid);
  }

  put(key: string, record: IndicatorRecord | undefined): void {
    this.overrides.set(key, record);
  }

  setKeysOfAttribute(attributeUuid: string, keys: readonly string[]): void {
    this.attributeOverrides.set(attributeUuid, keys);
  }

  get changeCount(): number {
    return this.overrides.size;
  }

  /** Keys whose record differs from the committed state (no-op writes are never staged). */
  changes(): IndicatorChange[] {
    const result: IndicatorChange[] = [];
    for (const [key, after] of this.overrides) result.push({ key, before: this.base.get(key), after });
    return result;
  }
}
