/**
 * Failures the stand-in serves instead of a real answer, for the next N MISP requests:
 * - `500`: MISP's internal-error JSON with status 500;
 * - `invalid-json`: status 200 with a truncated JSON body;
 * - `wrong-envelope`: status 200, valid JSON that is not a restSearch reply;
 * - `hang`: never answers (the socket stays open until the client gives up or the stand-in stops);
 * - `401`: MISP's authentication error, whatever key was sent.
 */
export const FAULT_KINDS = ['500', 'invalid-json', 'wrong-envelope', 'hang', '401'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export function isFaultKind(value: unknown): value is FaultKind {
  return typeof value === 'string' && (FAULT_KINDS as readonly string[]).includes(value);
}

export class FaultPlan {
  private readonly queue: { kind: FaultKind; remaining: number }[] = [];

  add(kind: FaultKind, count = 1): void {
    if (count > 0) this.queue.push({ kind, remaining: count });
  }

  clear(): void {
    this.queue.length = 0;
  }

  /** The fault for the request being served now, if any; faults are used up in order. */
  take(): FaultKind | undefined {
    const head = this.queue[0];
    if (!head) return undefined;
    head.remaining--;
    if (head.remaining <= 0) this.queue.shift();
    return head.kind;
  }

  pending(): { kind: FaultKind; remaining: number }[] {
    return this.queue.map((fault) => ({ ...fault }));
  }
}
