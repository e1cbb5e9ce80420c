/** One input to the liveness probe, e.g. "the Kafka consumer has not stopped for good". */
export interface LivenessCheck {
  readonly name: string;
  check(): LivenessState;
}

export interface LivenessState {
  readonly live: boolean;
  readonly detail?: string;
}

/**
 * Collects the liveness checks the services register; live only when all of them are. Only for
 * states a restart of the process cures (a component stopped for good): a dependency being down
 * is readiness, never liveness, or an outage would restart every pod at once.
 */
export class LivenessRegistry {
  private readonly checks: LivenessCheck[] = [];

  register(check: LivenessCheck): void {
    this.checks.push(check);
  }

  evaluate(): { live: boolean; checks: Record<string, LivenessState> } {
    const checks: Record<string, LivenessState> = {};
    let live = true;
    for (const check of this.checks) {
      const state = check.check();
      checks[check.name] = state;
      live &&= state.live;
    }
    return { live, checks };
  }
}
