/**
 * Every strategy by name with its free structure: the one table that host code (the simulator, the
 * tuner, the bench, the tests) derives its lists from. The names and their order are pool.ts's
 * STRATEGY_NAMES (a strategy's id in the pool header is its index there plus one).
 *
 * Device bundles never import this module: allocator.ts picks a structure with a branch per name,
 * which the build folds to the one structure the target names, so the others are left out.
 */
import { STRATEGY_NAMES, type FreeStructure } from '../pool.js';
import type { StrategyName } from '../types.js';
import { bestFit } from './best-fit.js';
import { firstFit } from './first-fit.js';
import { nextFit } from './next-fit.js';
import { tlsf } from './tlsf.js';
import { worstFit } from './worst-fit.js';

export { STRATEGY_NAMES };

export const STRUCTURES: Readonly<Record<StrategyName, FreeStructure>> = Object.freeze({
  'first-fit': firstFit,
  'next-fit': nextFit,
  'best-fit': bestFit,
  'worst-fit': worstFit,
  tlsf,
});
