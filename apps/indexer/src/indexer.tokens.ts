/** Injection token of the validated IndexerConfig. */
export const INDEXER_CONFIG = Symbol('INDEXER_CONFIG');
