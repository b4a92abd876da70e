/**
 * Every strategy: the one table the allocator, the simulator, the tuner, the bench and the tests take
 * their lists from. A strategy is `src/strategies/<name>.ts`, exporting its free structure as
 * `structure`, with its id (its place here, from 1: the pool header stores it); adding one is that file,
 * its line here, and a target (docs/design.md, "Adding a strategy").
 *
 * A device bundle has one strategy: its build puts a table of that one in place of this module
 * (build/strategy-table.mjs), so the other strategies' code is not in the bundle.
 */
import type { FreeStructure } from '../pool.js';
import { structure as bestFit } from './best-fit.js';
import { structure as firstFit } from './first-fit.js';
import { structure as nextFit } from './next-fit.js';
import { structure as tlsf } from './tlsf.js';
import { structure as worstFit } from './worst-fit.js';

export const STRUCTURES = Object.freeze({
  'first-fit': firstFit,
  'next-fit': nextFit,
  'best-fit': bestFit,
  'worst-fit': worstFit,
  tlsf,
} satisfies Record<string, FreeStructure>);

export type StrategyName = keyof typeof STRUCTURES;

/** The names, in the order of their ids. */
export const STRATEGY_NAMES = Object.freeze(Object.keys(STRUCTURES)) as readonly StrategyName[];
