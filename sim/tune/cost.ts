/**
 * A deterministic per-operation cost: pool words read by the strategy's free structure (find, insert,
 * remove, replace) during one allocate/free/reallocate. It is what varies between strategies (a list
 * walk for the list strategies, a few bitmap words for TLSF); the rest of the core does a fixed number
 * of reads per operation. Wall-clock times would differ between the host and an ESP32 and from run to
 * run; this count does not.
 *
 * The public API exposes no such counter, so this wraps the strategy objects of src/strategies (the
 * same module instances allocator.ts uses) for the duration of one replay, handing them a counting
 * view of the pool. Everything is restored afterwards, also on error.
 *
 * The replay always takes the generic path (PoolAllocator), which calls those objects. A release TLSF
 * pool runs TlsfAllocator instead, whose inlined free-structure code makes the same decisions over the
 * same words (test/fast-path.test.ts compares the two block for block); counted here, release and debug
 * TLSF read the same words, as the list strategies always did.
 */
import { PoolAllocator, settle } from '../../src/allocator.js';
import type { Pool } from '../../src/pool.js';
import { STRUCTURES } from '../../src/strategies/registry.js';
import type { TraceOp } from '../trace.js';
import { replay, type PackedTrace, type PoolConfig } from './replay.js';

const METHODS = ['find', 'insert', 'remove', 'replace'] as const;

export interface CostResult {
  /** Most words read by one operation. */
  worst: number;
  /** Index of that operation in the trace. */
  worstAt: number;
  mean: number;
}

/** The pool of a replay on the generic path, whatever the strategy (null when it is too small to format). */
function generic(c: PoolConfig): PoolAllocator | null {
  try {
    return new PoolAllocator(settle({ poolSize: c.poolSize, strategy: c.strategy, alignment: c.alignment, debug: c.debug, lock: 'none' }));
  } catch {
    return null;
  }
}

export function measureCost(ops: readonly TraceOp[] | PackedTrace, config: PoolConfig): CostResult {
  const s = STRUCTURES[config.strategy] as unknown as Record<string, (...args: unknown[]) => unknown>;
  const saved = METHODS.map((k) => s[k]);
  let reads = 0;
  // One counting copy of each pool, made at its first call: a Pool's fields are fixed once the
  // allocator is made, and a copy per call cost as much as the counting itself.
  const views = new WeakMap<Pool, Pool>();
  const handler: ProxyHandler<Int32Array> = {
    get(t, k) {
      if (typeof k === 'string') reads++;
      return Reflect.get(t, k);
    },
  };
  const counting = (P: Pool) => {
    let v = views.get(P);
    if (v === undefined) {
      v = { ...P, m: new Proxy(P.m, handler) };
      views.set(P, v);
    }
    return v;
  };
  METHODS.forEach((k, i) => {
    const original = saved[i];
    s[k] = (P: unknown, ...rest: unknown[]) => original(counting(P as Pool), ...rest);
  });
  let worst = 0, worstAt = -1, total = 0;
  try {
    replay(ops, config, (_heap, i) => {
      if (reads > worst) { worst = reads; worstAt = i; }
      total += reads;
      reads = 0;
    }, false, generic);
  } finally {
    METHODS.forEach((k, i) => { s[k] = saved[i]; });
  }
  return { worst, worstAt, mean: ops.length ? total / ops.length : 0 };
}
