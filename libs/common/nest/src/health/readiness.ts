/** One input to the readiness probe, e.g. "the lookup store is usable". */
export interface ReadinessCheck {
  readonly name: string;
  check(): ReadinessState;
}

export interface ReadinessState {
  readonly ready: boolean;
  readonly detail?: string;
}

/** Collects the readiness checks the services register; ready only when all of them are. */
export class ReadinessRegistry {
  private readonly checks: ReadinessCheck[] = [];

  register(check: ReadinessCheck): void {
    this.checks.push(check);
  }

  evaluate(): { ready: boolean; checks: Record<string, ReadinessState> } {
    const checks: Record<string, ReadinessState> = {};
    let ready = true;
    for (const check of this.checks) {
      const state = check.check();
      checks[check.name] = state;
      ready &&= state.ready;
    }
    return { ready, checks };
  }
}
