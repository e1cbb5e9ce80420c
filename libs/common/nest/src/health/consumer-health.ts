import type { LivenessRegistry } from './liveness';
import type { ReadinessRegistry } from './readiness';

/**
 * Whether a group consumer really runs, from its own events: ready only once it joined its group
 * (a consumer whose topic is missing or whose brokers are unreachable keeps retrying the join and
 * is not ready meanwhile), not ready again after a crash it restarts from until it rejoined, and
 * not live once it stopped for good. Feed it from the consumer's `onGroupJoin` and `onCrash`
 * listeners.
 */
export class ConsumerHealth {
  private hasJoined = false;
  private restarting: string | undefined;
  private dead: string | undefined;

  constructor(readonly name = 'kafka-consumer') {}

  joined(): void {
    this.hasJoined = true;
    this.restarting = undefined;
  }

  crashed(error: unknown, restart: boolean): void {
    const message = error instanceof Error ? error.message : String(error);
    if (restart) this.restarting = message;
    else this.dead = message;
  }

  register(liveness: LivenessRegistry, readiness?: ReadinessRegistry): void {
    liveness.register({ name: this.name, check: () => (this.dead === undefined ? { live: true } : { live: false, detail: this.dead }) });
    readiness?.register({ name: this.name, check: () => this.readiness() });
  }

  private readiness(): { ready: boolean; detail?: string } {
    if (this.dead !== undefined) return { ready: false, detail: `stopped for good: ${this.dead}` };
    if (this.restarting !== undefined) return { ready: false, detail: `rejoining its group after: ${this.restarting}` };
    return this.hasJoined ? { ready: true } : { ready: false, detail: 'joining its group' };
  }
}
