export * from './domain.js';
export * from './events/catalog.js';
export * from './events/payloads.js';
export * from './events/snapshots.js';
export * from './events/wire.js';
export * from './inputs.js';
export * from './limits.js';
export * from './primitives.js';
