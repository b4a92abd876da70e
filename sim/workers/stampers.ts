/**
 * The shared-pool run: one pool in a SharedArrayBuffer (lock 'atomics'), N Workers allocating and
 * freeing in it at once (stamper.ts), then the checks the workers cannot make alone: the pool passes
 * check() and is one free block again.
 */
import { createAllocator, type StrategyName } from '../../src/index.js';
import { result, startWorker } from './spawn.js';
import type { StamperReport, StamperTask } from './stamper.js';

export interface StampersOptions {
  workers: number;
  opsPerWorker: number;
  poolSize: number;
  strategy?: StrategyName;
  seed?: number;
  /** Default 'atomics'. */
  lock?: 'atomics' | 'none';
}

export interface StampersResult {
  reports: StamperReport[];
  /** '' when check() passes. */
  check: string;
  /** From stats(); -1 when check() failed. */
  usedBlocks: number;
  freeBlocks: number;
  elapsedMs: number;
}

export async function runStampers(o: StampersOptions): Promise<StampersResult> {
  const buffer = new SharedArrayBuffer(o.poolSize);
  const lock = o.lock ?? 'atomics';
  const heap = createAllocator({ buffer, lock, strategy: o.strategy ?? 'tlsf' });
  const gate = new SharedArrayBuffer(4);
  const started = performance.now();
  const workers = Array.from({ length: o.workers }, (_, i) => {
    const task: StamperTask = { buffer, gate, workers: o.workers, id: i + 1, ops: o.opsPerWorker, seed: (o.seed ?? 1) * 1000 + i, maxLive: 64, maxSize: 512, lock };
    return startWorker(new URL('./stamper.ts', import.meta.url), task);
  });
  let reports: StamperReport[];
  try {
    reports = await Promise.all(workers.map((w) => result<StamperReport>(w)));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  const elapsedMs = performance.now() - started;
  let check = '';
  try {
    heap.check();
  } catch (e) {
    check = (e as Error).message;
  }
  // stats() trusts the free structure (a cycle in a corrupted one would never end): only after check().
  if (check !== '') return { reports, check, usedBlocks: -1, freeBlocks: -1, elapsedMs };
  const s = heap.stats();
  return { reports, check, usedBlocks: s.usedBlocks, freeBlocks: s.freeBlocks, elapsedMs };
}
