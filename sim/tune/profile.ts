/**
 * The trace seen as blocks rather than requests: what the pool must hold at once. Feeds the search's
 * lower bound (no pool below it can complete the trace) and the worst-case bounds (bounds.ts).
 */
import { H_ROOTS, blockFor } from '../../src/pool.js';
import { traceProfile, type TraceOp } from '../trace.js';

/** Block size of a request (src/pool.ts blockFor), release unless `debug`. */
export function blockBytes(size: number, debug = false): number {
  return blockFor(size, debug);
}

/** Smallest header of any strategy (list strategies; TLSF's is larger), plus the 8-byte end sentinel. */
export const MIN_POOL_OVERHEAD = H_ROOTS * 4 + 8;

export interface BlockProfile {
  operations: number;
  allocations: number;
  /** Peak of live requested bytes (M as the user sees it). */
  peakLiveBytes: number;
  minSize: number;
  maxSize: number;
  /** Peak of live block bytes, counting both blocks while a growing reallocate may move (Robson's M). */
  peakBlockBytes: number;
  /** Most blocks live at once (same counting). */
  peakBlocks: number;
  minBlock: number;
  maxBlock: number;
  /** No pool smaller than this can complete the trace, whatever the strategy. */
  lowerBound: number;
}

export function blockProfile(ops: readonly TraceOp[], debug = false): BlockProfile {
  const base = traceProfile(ops);
  const blocks = new Map<number, number>();
  let live = 0, peak = 0, count = 0, peakCount = 0, minBlock = Infinity, maxBlock = 0;
  // Peak after each operation: every live block is in the pool at that moment.
  let settledPeak = 0;
  for (const o of ops) {
    const old = blocks.get(o.id);
    if (o.op === 'f') {
      if (old !== undefined) { live -= old; count--; }
      blocks.delete(o.id);
      continue;
    }
    const b = blockBytes(o.size, debug);
    minBlock = Math.min(minBlock, b);
    maxBlock = Math.max(maxBlock, b);
    if (old === undefined) {
      live += b; count++;
    } else {
      // A growing block that cannot grow in place exists twice for a moment (allocate, copy, free).
      if (b > old) { peak = Math.max(peak, live + b); peakCount = Math.max(peakCount, count + 1); }
      live += b - old;
    }
    blocks.set(o.id, b);
    peak = Math.max(peak, live);
    peakCount = Math.max(peakCount, count);
    settledPeak = Math.max(settledPeak, live);
  }
  return {
    ...base,
    peakBlockBytes: peak,
    peakBlocks: peakCount,
    minBlock: minBlock === Infinity ? 0 : minBlock,
    maxBlock,
    lowerBound: settledPeak + MIN_POOL_OVERHEAD,
  };
}
