/** Injection token of the validated EnricherConfig. */
export const ENRICHER_CONFIG = Symbol('ENRICHER_CONFIG');
