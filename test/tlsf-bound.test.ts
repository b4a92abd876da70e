/**
 * TLSF's promise is a bound on the work of allocate and free that does not depend on how many free
 * blocks the pool holds. Count it exactly: every word the core reads or writes in the pool, through a
 * counting Proxy over the pool's Int32Array (the simulator's span probe uses the same one). (Time belongs in the benchmark, not in a test.)
 */
import test from 'ava';
import { allocateCore, freeCore } from '../src/core.js';
import { poolView, type FreeStructure, type Pool } from '../src/pool.js';
import { createAllocator, type StrategyName } from '../src/index.js';
import { STRUCTURES } from '../src/strategies/registry.js';
import { tlsfPathOver } from '../src/tlsf-allocator.js';
import { countingView } from '../sim/span-probe.js';

const SIZES = [8, 24, 100, 300, 700, 1500, 6000];

/** A pool with `holes` free blocks of assorted sizes between used ones; returns the max words touched per allocate+free. */
function maxWordsPerPair(strategy: StrategyName, s: FreeStructure, holes: number): number {
  const heap = createAllocator({ poolSize: holes * 2400 + 65536, strategy });
  const ptrs: number[] = [];
  // Blocks above 128 bytes: TLSF cuts them from the top's low end, one after the other (pool.ts layout).
  for (let i = 0; i < 2 * holes; i++) ptrs.push(heap.allocate(128 + ((i * 37) % 1000)));
  for (let i = 0; i < ptrs.length; i += 2) heap.free(ptrs[i]);
  if (heap.stats().freeBlocks !== holes + 1) throw new Error('setup: wrong number of free blocks');
  const counter = countingView(new Int32Array(heap.buffer));
  const P: Pool = poolView(counter.view, new Uint8Array(heap.buffer), s, false);
  // The path the pool's allocator takes: TlsfAllocator's methods for TLSF, the core for a list strategy.
  const calls = strategy === 'tlsf' ? tlsfPathOver(P, heap.poolSize) : { allocate: (n: number) => allocateCore(P, n, 8), free: (p: number) => freeCore(P, p - 8) };
  let worst = 0;
  for (const size of SIZES) {
    counter.touched = 0;
    const p = calls.allocate(size);
    if (p === 0) throw new Error(`setup: ${size} bytes did not fit`);
    calls.free(p);
    worst = Math.max(worst, counter.touched);
  }
  heap.check();
  return worst;
}

test('tlsf: words touched per allocate+free do not grow with the number of free blocks', (t) => {
  const counts = [10, 100, 1000, 10000].map((holes) => maxWordsPerPair('tlsf', STRUCTURES.tlsf, holes));
  t.log(`tlsf words per pair at 10, 100, 1000, 10000 free blocks: ${counts.join(', ')}`);
  for (const c of counts) t.true(c <= counts[0] * 1.2 + 8, `${c} vs ${counts[0]} at 10 free blocks`);
});

test('first-fit, for contrast: the same measure grows with the free list', (t) => {
  const counts = [10, 100, 1000].map((holes) => maxWordsPerPair('first-fit', STRUCTURES['first-fit'], holes));
  t.log(`first-fit words per pair at 10, 100, 1000 free blocks: ${counts.join(', ')}`);
  t.true(counts[2] > counts[0] * 10, 'the measure sees list walks, so the tlsf test above can fail');
});
