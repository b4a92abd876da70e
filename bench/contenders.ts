/**
 * The contenders, by name, and how each one is made in Node. The XS side (xs-compute.ts) makes the same
 * ones from the device bundles and the thi.ng bundle.
 */
import { MemPool } from '@thi.ng/malloc';
import type { StrategyName } from '../src/index.js';
import { STRATEGY_NAMES } from '../src/strategies/registry.js';
import { mcallocAdapter, nativeAdapter, noopAdapter, thingAdapter, type Adapter, type MemPoolLike } from './harness.mjs';

/** Every strategy (src/strategies/registry.ts), the default first. */
export const STRATEGIES: readonly StrategyName[] = ['tlsf', ...STRATEGY_NAMES.filter((s) => s !== 'tlsf')];
export type Strategy = StrategyName;

export type ContenderSpec =
  | { kind: 'mcalloc'; strategy: Strategy }
  /** compact: thi.ng's merging of adjacent free blocks (its default); false is its other configuration. */
  | { kind: 'thing'; compact: boolean }
  | { kind: 'native' }
  /** The harness with a no-op allocator: what the loop itself costs. */
  | { kind: 'harness' };

export interface Contender {
  name: string;
  spec: ContenderSpec;
  /** True when it allocates from a fixed pool (utilization, scaling and XS apply). */
  pooled: boolean;
}

export const THING = 'thi.ng';
export const THING_NO_COMPACT = 'thi.ng nc';
export const NATIVE = 'native';
export const HARNESS = 'harness';

export const CONTENDERS: readonly Contender[] = [
  ...STRATEGIES.map((strategy) => ({ name: strategy, spec: { kind: 'mcalloc', strategy } as ContenderSpec, pooled: true })),
  { name: THING, spec: { kind: 'thing', compact: true }, pooled: true },
  { name: THING_NO_COMPACT, spec: { kind: 'thing', compact: false }, pooled: true },
  { name: NATIVE, spec: { kind: 'native' }, pooled: false },
];

export type CreateAllocator = (o: { poolSize: number; strategy: string; lock: 'none' }) => Parameters<typeof mcallocAdapter>[0];

/** A fresh allocator of `poolSize` bytes behind the harness adapter; null if it refuses that size. */
export function makeAdapter(spec: ContenderSpec, poolSize: number, createAllocator: CreateAllocator): Adapter | null {
  try {
    switch (spec.kind) {
      case 'mcalloc':
        return mcallocAdapter(createAllocator({ poolSize, strategy: spec.strategy, lock: 'none' }));
      case 'thing':
        return thingAdapter(MemPool as unknown as new (o: object) => MemPoolLike, poolSize, spec.compact);
      case 'native':
        return nativeAdapter(
          (n) => new Uint8Array(n),
          (from, to) => {
            to.set(from.length <= to.length ? from : from.subarray(0, to.length));
            return to;
          },
        );
      case 'harness':
        return noopAdapter();
    }
  } catch {
    return null;
  }
}
