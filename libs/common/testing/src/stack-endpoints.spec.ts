import { stackEndpoints } from './stack-endpoints';

describe('stackEndpoints', () => {
  it('defaults to the local stack', () => {
    expect(stackEndpoints({})).toEqual({
      kafkaBrokers: '127.0.0.1:9092',
      memcachedServers: '127.0.0.1:11211',
      elasticsearchUrl: 'http://127.0.0.1:9200',
    });
  });

  it('takes the apps’ environment variables', () => {
    const env = { KAFKA_BROKERS: 'k:1', MEMCACHED_SERVERS: 'm:2', ELASTICSEARCH_URL: 'https://e:3' };
    expect(stackEndpoints(env)).toEqual({ kafkaBrokers: 'k:1', memcachedServers: 'm:2', elasticsearchUrl: 'https://e:3' });
  });
});
