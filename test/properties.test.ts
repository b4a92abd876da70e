import test from 'ava';
import fc from 'fast-check';
import { createAllocator, type StrategyName } from '../src/index.js';
import { Model, type Op } from './helpers/model.js';
import { STRATEGY_NAMES } from '../src/strategies/registry.js';

const STRATEGIES: readonly StrategyName[] = STRATEGY_NAMES;
/** MCALLOC_OPS scales the run: the default does 200,000+ random operations over all strategies. */
const OPS_PER_CASE = Math.max(1, Number(process.env.MCALLOC_OPS ?? 220000)) / (STRATEGIES.length * 2);
const OPS_PER_RUN = 250;

// Sizes skewed small, as on a device, with some large ones that make the pool run out.
const size = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 64 }) },
  { weight: 3, arbitrary: fc.integer({ min: 65, max: 600 }) },
  { weight: 1, arbitrary: fc.integer({ min: 601, max: 2900 }) },
);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('a' as const), size, align: fc.constantFrom(8, 8, 8, 16, 64, 256) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('z' as const), count: fc.integer({ min: 0, max: 20 }), size: fc.integer({ min: 0, max: 40 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('r' as const), pick: fc.nat(), size }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('f' as const), pick: fc.nat() }) },
);

for (const strategy of STRATEGIES) {
  for (const debug of [false, true]) {
    test(`${strategy}${debug ? ' (debug)' : ''}: random operations agree with the model`, (t) => {
      let ops = 0;
      fc.assert(
        fc.property(fc.array(op, { minLength: OPS_PER_RUN, maxLength: OPS_PER_RUN }), fc.constantFrom(3000, 8192, 20000), (seq, poolSize) => {
          const heap = createAllocator({ poolSize, strategy, debug });
          const model = new Model(heap);
          const empty = heap.stats();
          for (const o of seq) {
            const err = model.apply(o) || model.verify();
            if (err) throw new Error(`after ${JSON.stringify(o)}: ${err}`);
            ops++;
          }
          model.freeAll();
          const err = model.verify();
          if (err) throw new Error(`after freeing everything: ${err}`);
          const s = heap.stats();
          if (s.freeBlocks !== 1 || s.usedBytes !== 0 || s.largestFreeBlock !== empty.largestFreeBlock) {
            throw new Error(`pool is not one free block again: ${JSON.stringify(s)}`);
          }
        }),
        { numRuns: Math.ceil(OPS_PER_CASE / OPS_PER_RUN), includeErrorInReport: true },
      );
      t.log(`${ops} random operations`);
      t.true(ops >= OPS_PER_CASE);
    });
  }
}
