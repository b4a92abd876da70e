/**
 * Replays a trace against a real allocator (src/, never a model of it). Two modes:
 *  - completes(): stops at the first failed request, for the pool-size search (speed matters there);
 *  - replay(): carries on after failures (a failed `a` leaves its ID dead, a failed `r` keeps the old
 *    block, as reallocate() does) and counts them, for "how many requests fail at the current pool".
 */
import { createAllocator, type Allocator, type StrategyName } from '../../src/index.js';
import type { TraceOp } from '../trace.js';

export const STRATEGIES: readonly StrategyName[] = ['first-fit', 'next-fit', 'best-fit', 'worst-fit', 'tlsf'];

export interface PoolConfig {
  strategy: StrategyName;
  poolSize: number;
  alignment?: number;
  debug?: boolean;
}

/** null when the pool is too small to be formatted at all (that counts as "does not complete"). */
export function openPool(c: PoolConfig): Allocator | null {
  try {
    return createAllocator({ poolSize: c.poolSize, strategy: c.strategy, alignment: c.alignment, debug: c.debug, lock: 'none' });
  } catch {
    return null;
  }
}

/** Called after each operation with its index and whether it failed. */
export type StepHook = (heap: Allocator, index: number, failed: boolean) => void;

export interface ReplayResult {
  failed: number;
  /** Index of the first failed operation, -1 if none. */
  firstFailure: number;
}

export function replay(ops: readonly TraceOp[], c: PoolConfig, onStep?: StepHook, stopAtFailure = false): ReplayResult {
  const heap = openPool(c);
  if (heap === null) return { failed: ops.length, firstFailure: 0 };
  const live = new Map<number, number>();
  let failed = 0;
  let firstFailure = -1;
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i];
    const p = live.get(o.id);
    let ok = true;
    if (o.op === 'f') {
      if (p !== undefined) heap.free(p);
      live.delete(o.id);
    } else {
      // An `r` of an ID whose `a` failed is a fresh request, as reallocate(0, size) would be.
      // allocate() throws INVALID_SIZE for a request larger than the pool: here that is a failure.
      const q = o.size > heap.poolSize ? 0 : o.op === 'a' || p === undefined ? heap.allocate(o.size) : heap.reallocate(p, o.size);
      if (q === 0) ok = false;
      else live.set(o.id, q);
    }
    if (!ok) {
      failed++;
      if (firstFailure < 0) firstFailure = i;
    }
    if (onStep) onStep(heap, i, !ok);
    if (!ok && stopAtFailure) break;
  }
  heap.destroy();
  return { failed, firstFailure };
}

export function completes(ops: readonly TraceOp[], c: PoolConfig): boolean {
  return replay(ops, c, undefined, true).failed === 0;
}
