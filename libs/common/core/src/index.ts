export * from './observable-kind';
export * from './indicator-record';
export * from './sync-sentinel';
export * from './misp/misp-attribute';
export * from './misp/misp-error';
export * from './misp/classify-misp-response';
export * from './misp/parse-attribute-search-envelope';
