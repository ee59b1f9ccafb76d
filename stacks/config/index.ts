// The environment config as its importers see it; the modules beside this one hold its parts.
export * from './types';
export * from './schema';
export * from './base';
export * from './resolve';
export * from './prometheus';
export type { Problem } from '../../lib/invalid';
