export * from './observable-kind';
export * from './indicator-record';
