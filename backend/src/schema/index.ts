/** The wire types: one source for request validation, the OpenAPI document and the TypeScript types. */
export * from './enums';
export * from './events';
export * from './incidents';
export * from './rules';
export * from './errors';
export * from './remediation';
export * from './notifications';
export * from './postmortem';
export * from './security';
