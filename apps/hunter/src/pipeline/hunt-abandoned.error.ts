/** A batch's hunt was interrupted by shutdown; left uncommitted, it is hunted again after the restart. */
export class HuntAbandonedError extends Error {
  readonly code = 'HUNT_ABANDONED';
  readonly retriable = true;

  constructor(topic: string, partition: number) {
    super(`retro-hunt of ${topic}[${partition}] interrupted by shutdown; left uncommitted`);
    this.name = 'HuntAbandonedError';
  }
}
