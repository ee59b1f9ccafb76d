// The manifest model: synthesized objects as the Pulumi program, the policy pack and the diff read them. Re-exports only.
export * from './object';
export * from './pod';
export * from './ref';
export * from './selection';
