// The e2e harness: one import for test files.
export * from './stack';
export * from './browser';
export * from './viewer';
export * from './artifacts';
