export * from './io-error';
export * from './memcached/memcached-client';
export * from './memcached/memcached-options';
export * from './memcached/memcached-key';
export * from './memcached/memcached-ring';
export * from './elasticsearch/elasticsearch-client';
export * from './elasticsearch/elasticsearch-options';
