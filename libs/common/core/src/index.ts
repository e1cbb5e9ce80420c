export * from './observable-kind';
export * from './indicator-record';
export * from './sync-sentinel';
