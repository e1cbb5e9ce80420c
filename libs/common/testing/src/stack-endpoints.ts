/** Where the local stack (`npm run stack:up`) listens, overridable with the apps' env names. */
export interface StackEndpoints {
  /** KAFKA_BROKERS, default 127.0.0.1:9092. */
  readonly kafkaBrokers: string;
  /** MEMCACHED_SERVERS, default 127.0.0.1:11211. */
  readonly memcachedServers: string;
  /** ELASTICSEARCH_URL, default http://127.0.0.1:9200. */
  readonly elasticsearchUrl: string;
}

export function stackEndpoints(env: NodeJS.ProcessEnv = process.env): StackEndpoints {
  return {
    kafkaBrokers: env['KAFKA_BROKERS'] || '127.0.0.1:9092',
    memcachedServers: env['MEMCACHED_SERVERS'] || '127.0.0.1:11211',
    elasticsearchUrl: env['ELASTICSEARCH_URL'] || 'http://127.0.0.1:9200',
  };
}
