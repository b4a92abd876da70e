/**
 * Worst-case guarantees: a pool size that completes EVERY trace with the same peak and the same
 * largest/smallest blocks, not just this one. Bounds are on block bytes (pool.ts: header and rounding
 * included), since that is what the pool holds.
 *
 * Symbols, all from profile.ts:  M = peak live block bytes,  k = most live blocks,  B = largest block,
 * b = smallest block,  n = B / b.  A used block may keep up to 8 bytes of a split remainder too small to
 * be a block, so at most M + 8k bytes are in used blocks at any moment.
 *
 * - any fit (derived here): the four list strategies fail only when every free block is smaller than
 *   the request. Coalescing is immediate, so free blocks are never adjacent: at most k + 1 of them,
 *   each at most B - 8 bytes. A heap of M + 8k + (k + 1)(B - 8) bytes therefore never fails. Linear in
 *   n (k can be M/b), and Robson showed best fit really can need about M·n (Knuth, TAOCP vol. 1,
 *   §2.5 ex. 42: N_BF >= M·n - O(M + n²), in units of the smallest block).
 * - first fit: N_FF <= M·H_m / ln 2 with m the largest size in allocation units and H_m the harmonic
 *   number, i.e. about M·(log2 m + 0.83) (Robson 1977, "Worst case fragmentation of first fit and best
 *   fit storage allocation strategies", Computer Journal 20(3); TAOCP vol. 1 §2.5 ex. 43). The unit is
 *   the 8-byte granule (sizes must be whole units), so m = (B + 8) / 8 (+8: the kept remainder).
 * - TLSF: Masmano et al. (ECRTS 2004) bound the time of each operation, not the space; no closed-form
 *   worst case for TLSF's good fit is known to us. Derived here from tlsf.ts: find() rounds a request up
 *   to its size class, and any block of that class or above is found, so it fails only when every free
 *   block is below the class start C(B) <= B·(1 + 1/SL_COUNT), 1/8: the any-fit bound with B replaced by
 *   C(B). Where in the block found a request is cut (its high or low end) does not enter.
 * - next fit, worst fit: no bound better than any fit is known to us.
 * - any allocator that does not move blocks: some trace with these M and n needs about ½·M·log2 n
 *   (Robson 1971, JACM 18(3); Robson 1974, JACM 21(3)): no strategy can promise less.
 */
import type { StrategyName } from '../../src/index.js';
import type { BlockProfile } from './profile.js';
import { SL_LOG2, SMALL } from '../../src/strategies/tlsf.js';

export interface Bound {
  strategy: StrategyName;
  /** Heap bytes (blocks only; add the header and the end sentinel for a pool size). */
  heapBytes: number;
  formula: string;
  source: string;
}

function harmonic(m: number): number {
  let h = 0;
  for (let i = 1; i <= m; i++) h += 1 / i;
  return h;
}

/** Start of the TLSF size class that find() rounds `size` up to (tlsf.ts: SL_COUNT slices per power of two above SMALL). */
export function tlsfClassCeiling(size: number): number {
  if (size < SMALL) return size;
  const rounded = size + (1 << (31 - Math.clz32(size) - SL_LOG2)) - 1;
  const step = 1 << (31 - Math.clz32(rounded) - SL_LOG2);
  return rounded - (rounded % step);
}

const up8 = (n: number) => Math.ceil(n / 8) * 8;

export function anyFitHeap(p: BlockProfile, largestHole: number): number {
  return p.peakBlockBytes + 8 * p.peakBlocks + (p.peakBlocks + 1) * Math.max(largestHole - 8, 0);
}

export function boundFor(strategy: StrategyName, p: BlockProfile): Bound {
  const anyFit = anyFitHeap(p, p.maxBlock);
  const anyFitText = 'M + 8k + (k+1)(B-8)';
  if (strategy === 'first-fit') {
    const m = (p.maxBlock + 8) / 8;
    const robson = up8(((p.peakBlockBytes + 8 * p.peakBlocks) * harmonic(m)) / Math.LN2);
    return robson <= anyFit
      ? { strategy, heapBytes: robson, formula: `(M+8k)·H_m/ln2, m = ${m} granules`, source: 'Robson 1977; Knuth TAOCP 1 §2.5 ex. 43' }
      : { strategy, heapBytes: anyFit, formula: anyFitText, source: 'any fit (derived; beats Robson here)' };
  }
  if (strategy === 'tlsf') {
    const c = tlsfClassCeiling(p.maxBlock);
    return { strategy, heapBytes: anyFitHeap(p, c), formula: `M + 8k + (k+1)(C(B)-8), C(B) = ${c}`, source: 'derived from tlsf.ts; none in Masmano et al. 2004' };
  }
  const source = strategy === 'best-fit' ? 'any fit (derived); Robson: ~M·n is reachable' : 'any fit (derived); nothing better known';
  return { strategy, heapBytes: anyFit, formula: anyFitText, source };
}

/** Robson's floor for every non-moving allocator, in heap bytes (about ½·M·log2 n). */
export function robsonFloor(p: BlockProfile): number {
  const n = p.minBlock > 0 ? p.maxBlock / p.minBlock : 1;
  return up8(Math.max(p.peakBlockBytes, 0.5 * p.peakBlockBytes * Math.log2(n)));
}
