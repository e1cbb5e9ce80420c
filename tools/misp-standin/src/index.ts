export * from './misp-standin';
export * from './misp-model';
export * from './fault-plan';
export * from './fixture-events';
export * from './generated-attributes';
export * from './render-attribute-notification';
export * from './openapi-validator';
export * from './hostile-content';
