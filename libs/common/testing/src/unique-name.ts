import { randomBytes } from 'node:crypto';

/**
 * A name no other test run uses: `<prefix>-<base36 time>-<random hex>`, made of `[a-z0-9-]`, so it
 * is valid as a Kafka topic, an Elasticsearch index (when the prefix is lower case) and a
 * memcached key prefix. Several engineers run the suites against one stack at once.
 */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}
