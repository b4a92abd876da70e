/**
 * The smallest pool that completes a trace, for one strategy.
 *
 * Whether a pool completes is not monotonic in its size: a few more bytes move a split point, the next
 * placement changes and a later request may fail where it fit before. So a binary search alone can stop
 * on a size that completes while a smaller one also does (or, worse, report one that does not). Here:
 *
 *   1. lower bound L (profile.ts): below it nothing completes; if L completes, it is the exact answer;
 *   2. double from 2L until a size completes (hi), binary-search between L and hi for a boundary where
 *      hi completes and hi - 8 does not (hi is always a size that was replayed and completed);
 *   3. scan downward from hi in steps of 8: all the way to L when the replay budget allows (the answer
 *      is then the exact minimum), else over a window where each completing size found restarts the
 *      window below it, then probe the sizes below the window at a stride, scanning below any find.
 *
 * The result says which sizes were checked, so the report can state how close it is to the minimum.
 */
import { MAX_POOL } from '../../src/pool.js';
import type { TraceOp } from '../trace.js';
import { completes, type PackedTrace, type PoolConfig } from './replay.js';

export interface SearchOptions {
  /** Bytes below the best size scanned one by one (default: down to the lower bound if maxScan allows, else 6% of it, at least 512). */
  window?: number;
  /** Cap on replays of the downward scan (default: about 6 million replayed operations, 100 to 2000 replays). */
  maxScan?: number;
  /** Told before each replay (for a progress line on long traces). */
  onReplay?: (replays: number, poolSize: number) => void;
}

export interface SearchResult {
  /** Smallest size found that completes the trace (a multiple of 8; it was replayed). */
  size: number;
  /** Nothing below this completes (peak live blocks + the smallest header). */
  lowerBound: number;
  /** Every multiple of 8 in [scannedDownTo, size) was replayed and failed. */
  scannedDownTo: number;
  /** True when every multiple of 8 from the lower bound up was replayed: size is the true minimum. */
  exact: boolean;
  replays: number;
}

const up8 = (n: number) => Math.ceil(n / 8) * 8;

export class TraceTooLarge extends Error {}

/** The smallest pool in which a strategy of mcalloc completes a trace (the tuner's search). */
export function smallestPool(ops: readonly TraceOp[] | PackedTrace, config: Omit<PoolConfig, 'poolSize'>, lowerBound: number, options: SearchOptions = {}): SearchResult {
  return searchSmallest((poolSize) => completes(ops, { ...config, poolSize }), lowerBound, ops.length, options, config.strategy);
}

/**
 * The search itself, for any allocator: `completes(size)` replays the trace (of `operations` length)
 * in a pool of that many bytes. The bench runs it for every contender with `maxScan: 0` (the binary
 * search alone, the same for all). `what` names the allocator in the error for a trace too large.
 */
export function searchSmallest(completes: (poolSize: number) => boolean, lowerBound: number, operations: number, options: SearchOptions = {}, what = 'this allocator'): SearchResult {
  let replays = 0;
  const ok = (poolSize: number) => {
    replays++;
    options.onReplay?.(replays, poolSize);
    return completes(poolSize);
  };
  const L = up8(lowerBound);
  if (ok(L)) return { size: L, lowerBound: L, scannedDownTo: L, exact: true, replays };

  let lo = L;
  let hi = Math.max(up8(2 * L), L + 64);
  while (!ok(hi)) {
    lo = hi;
    if (hi >= MAX_POOL) throw new TraceTooLarge(`the trace does not complete in the largest pool (${MAX_POOL} bytes) with ${what}`);
    hi = Math.min(up8(2 * hi), MAX_POOL);
  }
  while (hi - lo > 8) {
    const mid = up8((lo + hi) / 2 - 4);
    if (ok(mid)) hi = mid;
    else lo = mid;
  }

  let best = hi;
  const maxScan = options.maxScan ?? Math.min(2000, Math.max(100, Math.round(6e6 / Math.max(operations, 1))));
  // When the budget reaches the lower bound, scan all of it: the answer is then exact.
  const window = options.window ?? ((best - L) / 8 <= maxScan ? Infinity : Math.max(512, up8(best * 0.06)));
  let scans = 0;
  /** Replays every size below `best` (hi - 8 is lo, known to fail) until `window` bytes pass without a find. */
  const scanDown = (from: number, budget: number): number => {
    let x = from;
    let floor = Math.max(L, best - window);
    while (x >= floor && scans < budget) {
      scans++;
      if (ok(x)) {
        best = x;
        floor = Math.max(L, best - window);
      }
      x -= 8;
    }
    return x + 8;
  };
  let scannedDownTo = scanDown(best - 16, window === Infinity ? maxScan : maxScan / 2);
  // The window did not reach L: probe the rest at a stride with half the budget; a completing size
  // found there is a new best, scanned below in turn. (Completing sizes come in bands, so a stride
  // of a few hundred bytes finds the lower bands the window cannot reach.)
  if (scannedDownTo > L + 8) {
    const stride = up8(Math.max(8, (scannedDownTo - L) / Math.max(1, (maxScan - scans) / 2)));
    for (let y = scannedDownTo - stride; y >= L && scans < maxScan; y -= stride) {
      scans++;
      if (ok(y)) {
        best = y;
        scannedDownTo = scanDown(best - 8, maxScan);
        y = Math.min(y, scannedDownTo);
      }
    }
  }
  return { size: best, lowerBound: L, scannedDownTo, exact: scannedDownTo <= L + 8, replays };
}
