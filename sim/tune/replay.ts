/**
 * Replays a trace against a real allocator (src/, never a model of it). Two modes:
 *  - completes(): stops at the first failed request, for the pool-size search (speed matters there);
 *  - replay(): carries on after failures (a failed `a` leaves its ID dead, a failed `r` keeps the old
 *    block, as reallocate() does) and counts them, for "how many requests fail at the current pool".
 *
 * Both run on a packed trace: three typed arrays instead of one object per operation, and each ID's
 * lifetime (from its `a` to its `f`) numbered as a slot, so the live pointers are an Int32Array rather
 * than a Map. A search replays the same trace hundreds of times; packing once makes each replay cheaper
 * and lets Worker threads share the trace (SharedArrayBuffer) instead of copying millions of objects.
 */
import { createAllocator, type Allocator, type StrategyName } from '../../src/index.js';
import { STRATEGY_NAMES } from '../../src/strategies/registry.js';
import type { TraceOp } from '../trace.js';

/** Every strategy, in the header's order (src/strategies/registry.ts). */
export const STRATEGIES: readonly StrategyName[] = STRATEGY_NAMES;

export interface PoolConfig {
  strategy: StrategyName;
  poolSize: number;
  alignment?: number;
  debug?: boolean;
}

/** The operation codes of PackedTrace.kind. */
export const Op = { allocate: 0, free: 1, reallocate: 2 } as const;

export interface PackedTrace {
  length: number;
  /** An Op code per operation. */
  kind: Uint8Array;
  /** The slot of the operation's ID lifetime: an index into the replay's pointer array. */
  slot: Int32Array;
  /** Requested bytes (0 for a free). */
  size: Int32Array;
  slots: number;
}

/** Shared memory when `shared` (for Worker threads), else plain buffers. */
export function pack(ops: readonly TraceOp[], shared = false): PackedTrace {
  const n = ops.length;
  const Buffer = shared ? SharedArrayBuffer : ArrayBuffer;
  const kind = new Uint8Array(new Buffer(n));
  const slot = new Int32Array(new Buffer(4 * n));
  const size = new Int32Array(new Buffer(4 * n));
  const current = new Map<number, number>();
  let slots = 0;
  for (let i = 0; i < n; i++) {
    const o = ops[i];
    let s = current.get(o.id);
    if (o.op === 'a' || s === undefined) {
      s = slots++;
      current.set(o.id, s);
    }
    slot[i] = s;
    if (o.op === 'f') {
      kind[i] = Op.free;
      current.delete(o.id);
    } else {
      kind[i] = o.op === 'a' ? Op.allocate : Op.reallocate;
      size[i] = o.size;
    }
  }
  return { length: n, kind, slot, size, slots };
}

function packed(trace: readonly TraceOp[] | PackedTrace): PackedTrace {
  return Array.isArray(trace) ? pack(trace as readonly TraceOp[]) : (trace as PackedTrace);
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

/** `open` makes the allocator (default openPool; cost.ts passes one that always takes the generic path). */
export function replay(trace: readonly TraceOp[] | PackedTrace, c: PoolConfig, onStep?: StepHook, stopAtFailure = false, open = openPool): ReplayResult {
  const t = packed(trace);
  const n = t.length;
  const heap = open(c);
  if (heap === null) return { failed: n, firstFailure: 0 };
  const { kind, slot, size } = t;
  // 0: the slot's ID is not live (never allocated, freed, or its allocation failed).
  const live = new Int32Array(t.slots);
  let failed = 0;
  let firstFailure = -1;
  for (let i = 0; i < n; i++) {
    const k = kind[i];
    const s = slot[i];
    const p = live[s];
    let ok = true;
    if (k === Op.free) {
      if (p !== 0) heap.free(p);
      live[s] = 0;
    } else {
      const bytes = size[i];
      // An `r` of an ID whose `a` failed is a fresh request, as reallocate(0, size) would be.
      // allocate() throws INVALID_SIZE for a request larger than the pool: here that is a failure.
      const q = bytes > heap.poolSize ? 0 : k === Op.allocate || p === 0 ? heap.allocate(bytes) : heap.reallocate(p, bytes);
      if (q === 0) ok = false;
      else live[s] = q;
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

export function completes(trace: readonly TraceOp[] | PackedTrace, c: PoolConfig): boolean {
  return replay(trace, c, undefined, true).failed === 0;
}
