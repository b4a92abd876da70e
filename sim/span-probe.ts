/**
 * How long does the lock keep interrupts masked? The core's work per call, counted exactly: the words
 * of the pool that allocateCore/freeCore read or write (the measure of test/tlsf-bound.test.ts). The
 * run loop probes a copy of the pool at every check, so the figure follows the pool states the
 * workload really produced (a list strategy's walk grows with its free blocks; TLSF's does not).
 *
 * Wall-clock time on the host says little about this (a list walk of 300 blocks is under a
 * microsecond in V8, but a garbage collection pause is 10 ms); words touched is what an interpreter on
 * a microcontroller pays for.
 */
import { allocateCore, freeCore } from '../src/core.js';
import { walkBlocks } from '../src/diagnostics.js';
import { poolView, type Pool } from '../src/pool.js';
import { STRUCTURES } from '../src/strategies/registry.js';
import { tlsfPathOver } from '../src/tlsf-allocator.js';
import type { StrategyName } from '../src/types.js';

export interface SpanWords {
  allocate: number;
  free: number;
}

/** Used blocks freed per probe, spread over the heap (an address-ordered list walks to the block's place). */
const FREES = 8;

/**
 * A view of the pool that counts every word read or written through it (element accesses only, so
 * `length` and method lookups do not count): the deterministic cost of a core call.
 */
export function countingView(words: Int32Array): { view: Int32Array; touched: number } {
  const counter = { view: words, touched: 0 };
  counter.view = new Proxy(words, {
    get(target, key) {
      if (typeof key === 'string' && key.charCodeAt(0) <= 57) counter.touched++;
      return Reflect.get(target, key);
    },
    set(target, key, value) {
      counter.touched++;
      return Reflect.set(target, key, value);
    },
  });
  return counter;
}

/**
 * The most words one allocate and one free touch on a copy of `buffer`: allocations of `sizes` bytes
 * (include one just too large to fit: a failing search is as long as any), and frees of used blocks
 * spread over the heap.
 */
export function probeSpanWords(buffer: ArrayBufferLike, strategy: StrategyName, debug: boolean, sizes: readonly number[]): SpanWords {
  const copy = new Int32Array(new Int32Array(buffer).slice().buffer);
  const counter = countingView(copy);
  const m = counter.view;
  const s = STRUCTURES[strategy];
  const u8 = new Uint8Array(copy.buffer);
  const used = [...walkBlocks(poolView(copy, u8, s, debug))].filter((b) => b.used);
  const P: Pool = poolView(m, u8, s, debug);
  // The path the pool's allocator takes: TlsfAllocator's methods for a release TLSF pool, else the core.
  const calls = strategy === 'tlsf' && !debug
    ? tlsfPathOver(P, u8.length)
    : { allocate: (size: number) => allocateCore(P, size, 8), free: (p: number) => freeCore(P, p - 8) };
  const worst: SpanWords = { allocate: 0, free: 0 };
  for (let i = 0; i < FREES && i < used.length; i++) {
    counter.touched = 0;
    calls.free(used[Math.floor((i * used.length) / Math.min(FREES, used.length))].pointer);
    worst.free = Math.max(worst.free, counter.touched);
  }
  for (const size of sizes) {
    counter.touched = 0;
    calls.allocate(size);
    worst.allocate = Math.max(worst.allocate, counter.touched);
  }
  return worst;
}
