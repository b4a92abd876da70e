/**
 * The tuner proper, without I/O: replay a trace against every strategy, find each one's smallest pool,
 * measure it, and pick a strategy and a pool size with headroom. cli.ts prints and writes the result.
 */
import { createAllocator, type StrategyName } from '../../src/index.js';
import { MAX_POOL } from '../../src/pool.js';
import type { TraceOp } from '../trace.js';
import { boundFor, robsonFloor, type Bound } from './bounds.js';
import { measureCost, type CostResult } from './cost.js';
import { blockProfile, type BlockProfile } from './profile.js';
import { STRATEGIES, completes, pack, replay, type PackedTrace } from './replay.js';
import { TraceTooLarge, smallestPool, type SearchOptions, type SearchResult } from './search.js';

export interface TuneOptions {
  headroom?: number;
  /** The target's pool, to count the requests that fail there; its strategy is the one --write sizes. */
  current?: { poolSize: number; strategy?: StrategyName };
  alignment?: number;
  debug?: boolean;
  strategies?: readonly StrategyName[];
  search?: SearchOptions;
  /** Told what is being done now, for a progress line; `start` marks the start of a strategy's turn. */
  onProgress?: (what: string, start: boolean) => void;
}

export interface StrategyResult {
  strategy: StrategyName;
  search: SearchResult;
  /** Peak live requested bytes / smallest pool. */
  utilization: number;
  /** Failed requests when the trace runs in the current pool (null without one). */
  failuresAtCurrent: number | null;
  /** Free-structure words read per operation, in the smallest pool. */
  cost: CostResult;
  bound: Bound;
  /** Pool size (header included) that the bound guarantees for any trace with this M, k, B. */
  boundPool: number;
  /** Smallest pool with headroom, rounded to a nice size, that completes the trace (at most MAX_POOL). */
  withHeadroom: number;
}

export interface TuneResult {
  profile: BlockProfile;
  headroom: number;
  results: StrategyResult[];
  recommended: { strategy: StrategyName; poolSize: number; reason: string };
  /** Robson's floor as a pool size: no strategy can guarantee less for every such trace. */
  robsonFloorPool: number;
}

/** Bytes of header and end sentinel for this strategy and pool size (the largest pool's beyond the limit). */
export function poolOverhead(strategy: StrategyName, poolSize: number): number {
  const heap = createAllocator({ poolSize: Math.min(Math.max(poolSize, 4096), MAX_POOL), strategy });
  const overhead = heap.poolSize - heap.stats().heapSize;
  heap.destroy();
  return overhead;
}

/** Rounds up to a "nice" size: a multiple of 1/32 of the power of two below (and of 8). */
export function niceSize(n: number): number {
  const step = Math.max(8, 2 ** (Math.floor(Math.log2(Math.max(n, 1))) - 5));
  return Math.ceil(n / step) * step;
}

/**
 * The first size from `from` upwards (steps of 8) that completes: sizes above the minimum can fail.
 * `found` completes, so the answer is at most that when the headroom would pass the pool limit.
 */
function firstCompleting(ops: PackedTrace, strategy: StrategyName, from: number, found: number, o: StrategyOptions): number {
  let size = Math.ceil(from / 8) * 8;
  if (size > MAX_POOL) return found;
  while (size <= MAX_POOL && !completes(ops, { strategy, poolSize: size, alignment: o.alignment, debug: o.debug })) size += 8;
  return size <= MAX_POOL ? size : found;
}

/** Strategies whose smallest pool is within this fraction of the best compete on worst-op cost. */
export const NEAR_BEST = 0.05;

/** What the work on one strategy needs: the same in this thread and in a Worker (tune-workers.ts). */
export type StrategyOptions = Pick<TuneOptions, 'headroom' | 'current' | 'alignment' | 'debug' | 'search'>;

/** Search, measure and size one strategy: the part of tune() that Worker threads run side by side. */
export function tuneStrategy(ops: PackedTrace, strategy: StrategyName, profile: BlockProfile, o: StrategyOptions, step: (what: string, start?: boolean) => void = () => {}): StrategyResult {
  const headroom = o.headroom ?? 0.15;
  const config = { strategy, alignment: o.alignment, debug: o.debug };
  step('smallest pool', true);
  const search = smallestPool(ops, config, profile.lowerBound, { ...o.search, onReplay: (n, size) => step(`smallest pool, replay ${n} (${size} bytes)`) });
  step('cost and headroom');
  const bound = boundFor(strategy, profile);
  const boundPool = Math.ceil(bound.heapBytes / 8) * 8 + poolOverhead(strategy, bound.heapBytes);
  return {
    strategy,
    search,
    utilization: profile.peakLiveBytes / search.size,
    failuresAtCurrent: o.current ? replay(ops, { ...config, poolSize: o.current.poolSize }).failed : null,
    cost: measureCost(ops, { ...config, poolSize: search.size }),
    bound,
    boundPool,
    withHeadroom: firstCompleting(ops, strategy, niceSize(search.size * (1 + headroom)), search.size, o),
  };
}

/** The profile of a trace, refused when no pool within the limit can hold its peak. */
export function profileOf(ops: readonly TraceOp[], debug?: boolean): BlockProfile {
  const profile = blockProfile(ops, debug);
  if (profile.lowerBound > MAX_POOL) {
    throw new TraceTooLarge(`the trace needs a pool of at least ${profile.lowerBound} bytes (its peak live blocks), over the limit of ${MAX_POOL} bytes (32-bit offsets)`);
  }
  return profile;
}

/** The recommendation from every strategy's result. */
export function combine(profile: BlockProfile, headroom: number, results: StrategyResult[]): TuneResult {
  const best = Math.min(...results.map((r) => r.search.size));
  const near = results.filter((r) => r.search.size <= best * (1 + NEAR_BEST));
  near.sort((a, b) => a.cost.worst - b.cost.worst || a.search.size - b.search.size);
  const pick = near[0];
  const reason = near.length > 1
    ? `smallest worst-case operation among the strategies within ${NEAR_BEST * 100}% of the smallest pool (${near.map((r) => r.strategy).join(', ')})`
    : 'smallest pool';
  const floorHeap = robsonFloor(profile);
  return {
    profile,
    headroom,
    results,
    recommended: { strategy: pick.strategy, poolSize: pick.withHeadroom, reason },
    robsonFloorPool: floorHeap + poolOverhead('first-fit', floorHeap),
  };
}

/** Every strategy in this thread, one after the other (tune-workers.ts runs them side by side). */
export function tune(ops: readonly TraceOp[], o: TuneOptions = {}): TuneResult {
  const profile = profileOf(ops, o.debug);
  const packed = pack(ops);
  const strategies = o.strategies ?? STRATEGIES;
  const results = strategies.map((strategy, i) =>
    tuneStrategy(packed, strategy, profile, o, (what, start = false) => o.onProgress?.(`${strategy} (${i + 1}/${strategies.length}): ${what}`, start)));
  return combine(profile, o.headroom ?? 0.15, results);
}
