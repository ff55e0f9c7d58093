export * from './generate.js';
export * from './store.js';
