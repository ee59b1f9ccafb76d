// The environment config as its importers see it; the modules beside this one hold its parts.
export * from './types';
export type { Problem } from './check';
