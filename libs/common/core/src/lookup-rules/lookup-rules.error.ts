/** Raised at boot for a rules document that cannot be used; not retriable. */
export class LookupRulesError extends Error {
  readonly code = 'LOOKUP_RULES_INVALID';
  readonly retriable = false;
  constructor(message: string) {
    super(`LOOKUP_RULES_INVALID: ${message}`);
    this.name = 'LookupRulesError';
  }
}
