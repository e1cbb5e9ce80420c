/**
 * The lookup rules moved to @iocflow/core (core/src/lookup-rules) when the retro-hunt (apps/hunter)
 * began to search the same fields; the enricher's modules keep importing them from here.
 */
export { DEFAULT_LOOKUP_RULES, LookupRulesError, parseLookupRules, type LookupRule } from '@iocflow/core';
