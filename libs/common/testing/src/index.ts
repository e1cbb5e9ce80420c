export * from './poll-until';
export * from './unique-name';
export * from './stack-endpoints';
export * from './require-service';
export * from './free-port';
export * from './memcached-process';
export * from './service-process';
export * from './tcp-forwarder';
