/** What stopped for good, and why. */
export interface ServiceFailure {
  /** The component, as in logs and the health checks (`kafka-consumer`, `misp-notifications`). */
  readonly component: string;
  readonly message: string;
}

/**
 * How a service ends when one of its components stops for good (a Kafka consumer that kafkajs
 * will not restart after a non-retriable error): never a zombie process that is up but consumes
 * nothing. `fail` marks the service failed — liveness and readiness answer 503 with the reason
 * from then on (`describe`) — and hands the failure to the handler `bootService` installs, which
 * shuts the service down as on SIGTERM (drain, commit what was acknowledged, leave the group)
 * and exits 1, so the orchestrator restarts it (Kubernetes, `restart: unless-stopped`). The
 * uncommitted batch is then processed by the new process.
 *
 * Failures of one record's content never get here (they are dead-lettered or skipped); what does
 * is a failure of the world that a restart may cure (authorisation revoked, a topic deleted) or a
 * bug. Only the first failure counts.
 */
export class ServiceExit {
  private failure: ServiceFailure | undefined;
  private handler: ((failure: ServiceFailure) => void) | undefined;

  /** The failure that ends the service, once there is one. */
  get failed(): ServiceFailure | undefined {
    return this.failure;
  }

  fail(component: string, error: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = { component, message: error instanceof Error ? error.message : String(error) };
    this.handler?.(this.failure);
  }

  /** Installed by bootService; called at once when a failure came before it. */
  onFail(handler: (failure: ServiceFailure) => void): void {
    this.handler = handler;
    if (this.failure !== undefined) handler(this.failure);
  }

  /** The failure in words, for the health checks; empty before one. */
  describe(): string {
    return this.failure === undefined ? '' : `${this.failure.component} stopped for good: ${this.failure.message}; the service is shutting down to be restarted`;
  }
}
