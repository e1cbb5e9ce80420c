import type { MispAttribute, ObservableKind } from '@iocflow/core';
import type { AttributeUpdate } from '../sync/apply-attribute';
import type { AttributeSelection, DeselectReason } from './attribute-selection';
import type { ExpiryPolicy } from './expiry-policy';
import type { IndicatorGuard, Refusal } from './indicator-guard';

/** One observable an attribute would have contributed, refused by the guard. */
export interface RefusedEntry {
  readonly kind: ObservableKind;
  readonly value: string;
  readonly refusal: Refusal;
}

/** An attribute's update after selection, false-positive control and expiry. */
export interface FilteredUpdate {
  readonly update: AttributeUpdate;
  readonly deselected?: DeselectReason;
  readonly refused: readonly RefusedEntry[];
  /** Entries left out because they are already past their kind's maximum age. */
  readonly expired: number;
}

const NONE: readonly RefusedEntry[] = [];

/**
 * The per-attribute hook of the pipeline's normalise stage, the same for MISP and feeds:
 *   select   an attribute the selection does not take contributes nothing (a removal, as a delete)
 *   guard    each observable it would contribute is dropped when it is over-broad, warninglisted or
 *            allowlisted (the attribute's other observables stay: `domain|ip` may keep its domain)
 *   expire   each observable already past its kind's maximum age is dropped
 * Everything is compiled once; the common case (nothing dropped) allocates nothing.
 */
export class IndicatorFilter {
  constructor(
    private readonly selection: AttributeSelection,
    private readonly guard: IndicatorGuard,
    private readonly expiry: ExpiryPolicy,
  ) {}

  apply(attribute: MispAttribute, update: AttributeUpdate, nowSec: number): FilteredUpdate {
    if (update.entries.length === 0) return { update, refused: NONE, expired: 0 };
    const deselected = this.selection.deselect(attribute);
    if (deselected !== undefined) return { update: { ...update, entries: [] }, deselected, refused: NONE, expired: 0 };
    let kept: AttributeUpdate['entries'][number][] | undefined;
    let refused: RefusedEntry[] | undefined;
    let expired = 0;
    update.entries.forEach((entry, index) => {
      const refusal = this.guard.refuse(entry.kind, entry.value);
      const drop = refusal !== undefined || this.expiry.isExpired(entry.kind, entry.contribution.timestamp, nowSec);
      if (!drop) {
        kept?.push(entry);
        return;
      }
      kept ??= update.entries.slice(0, index);
      if (refusal === undefined) expired++;
      else (refused ??= []).push({ kind: entry.kind, value: entry.value, refusal });
    });
    if (kept === undefined) return { update, refused: NONE, expired: 0 };
    return { update: { ...update, entries: kept }, refused: refused ?? NONE, expired };
  }
}
