/**
 * The TLSF path (src/tlsf-allocator.ts) does for TLSF pools what core.ts does through the free
 * structure, written for XS from the same @inline functions. These tests hold the two to the same
 * results, and check what the path adds: the top kept out of the buckets, the statistics in the
 * allocator's fields, methods of its class (which must refuse to work once it is destroyed).
 */
import test from 'ava';
import { allocateCore, freeCore, reallocateCore } from '../src/core.js';
import { settle } from '../src/allocator.js';
import { CoreAllocator } from '../src/core-allocator.js';
import { createAllocator } from '../src/index.js';
import { H_ALLOCS, H_FAILED, H_FREES, H_PEAK_USED, H_TOP, H_USED_BYTES, poolView, type Pool } from '../src/pool.js';
import { STRUCTURES } from '../src/strategies/registry.js';
import { errorCode } from './helpers/error-code.js';

const code = errorCode;

/** A seeded generator (mulberry32), so that a failure replays. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Pools on both paths: `wide` gives both the pool alignment 64 (WideTlsfAllocator, every call aligned). */
const CASES = [
  { seed: 1, wide: false, lock: 'none' },
  { seed: 2, wide: false, lock: 'interrupt' },
  { seed: 3, wide: false, lock: 'atomics' },
  { seed: 4, wide: true, lock: 'none' },
] as const;

for (const { seed, wide, lock } of CASES) {
  test(`seed ${seed}, lock ${lock}${wide ? ', pool alignment 64' : ''}: the fast path and the generic path give the same pointers for the same calls`, (t) => {
    const poolSize = 48 * 1024;
    const poolAlign = wide ? 64 : 8;
    const fast = createAllocator({ poolSize, alignment: poolAlign, lock });
    t.is(Object.getPrototypeOf(fast).constructor.name, wide ? 'WideTlsfAllocator' : 'TlsfAllocator');
    // A second pool of the same size, driven through core.ts, on the generic class (which keeps
    // nothing outside the pool that check() and stats() could miss).
    const other = new CoreAllocator(settle({ poolSize, alignment: poolAlign }));
    const P: Pool = poolView(new Int32Array(other.buffer), new Uint8Array(other.buffer), STRUCTURES.tlsf, false);
    const r = rng(seed);
    const live: [number, number][] = [];
    let ops = 0;
    let failed = 0;
    let aligned = 0;
    for (let i = 0; i < 20000; i++) {
      const dice = r();
      if (live.length > 0 && dice < 0.1) {
        // Grow or shrink in place (forwards, or backwards into a free previous block), or move.
        const j = Math.floor(r() * live.length);
        const size = Math.floor(Math.exp(r() * Math.log(4096)));
        const a = fast.reallocate(live[j][0], size);
        const b = reallocateCore(P, live[j][1] - 8, size, poolAlign);
        t.is(a, b, `operation ${i}: reallocate(${live[j][0]}, ${size})`);
        if (a !== b) return;
        if (a === 0) failed++;
        else live[j] = [a, b];
      } else if (live.length > 0 && (dice < 0.5 || live.length > 120)) {
        const [a, b] = live.splice(Math.floor(r() * live.length), 1)[0];
        fast.free(a);
        freeCore(P, b - 8);
      } else {
        // Log-uniform sizes from 1 byte to 4 KiB: every class of fl 0 and the first eight of the rest;
        // one request in eight aligned to 16..1024.
        const size = Math.floor(Math.exp(r() * Math.log(4096)));
        const align = r() < 0.125 ? 16 << Math.floor(r() * 7) : undefined;
        const a = fast.allocate(size, align);
        const b = allocateCore(P, size, Math.max(align ?? 0, poolAlign));
        t.is(a, b, `operation ${i}: allocate(${size}, ${align})`);
        if (a !== b) return;
        if (a === 0) failed++;
        else live.push([a, b]);
        if (align !== undefined && a !== 0) aligned++;
      }
      ops++;
    }
    fast.check();
    other.check();
    t.deepEqual([...fast.blocks()].map((b) => [b.offset, b.size, b.used]), [...other.blocks()].map((b) => [b.offset, b.size, b.used]));
    t.deepEqual({ ...fast.stats(), fragmentation: 0 }, { ...other.stats(), fragmentation: 0 });
    t.log(`${ops} operations, ${aligned} aligned allocations, ${failed} allocations and reallocations failed on both`);
    t.true(failed > 0 && failed < ops / 4, 'the pool was full at times, not always');
    t.true(aligned > 500);
  });
}

test('the top stays out of the buckets: what ends the heap is named by H_TOP and nowhere else', (t) => {
  const h = createAllocator({ poolSize: 16384 });
  const m = new Int32Array(h.buffer);
  // Both above 128 bytes: cut from the top's low end, so the free block after them is the top.
  const a = h.allocate(136);
  const b = h.allocate(200);
  const last = [...h.blocks()].at(-1)!;
  t.false(last.used);
  t.is(m[H_TOP], last.offset);
  h.free(b); // merges into the top
  t.is(m[H_TOP], b - 8);
  h.free(a); // and again: one free block, the top
  t.is(m[H_TOP], a - 8);
  t.is(h.stats().freeBlocks, 1);
  // The whole heap taken: no top left, and it comes back with the free.
  const all = h.allocate(h.stats().largestFreeBlock);
  t.not(all, 0);
  t.is(m[H_TOP], 0);
  h.check();
  h.free(all);
  t.is(m[H_TOP], all - 8);
  h.check();
});

test('a stray write into the top word: no block outside the heap or over a live one; check() says HEAP_CORRUPTED', (t) => {
  for (const value of [0, 8, 100, 1 << 20, -8]) {
    const h = createAllocator({ poolSize: 16384 });
    const m = new Int32Array(h.buffer);
    const live = [h.allocate(300), h.allocate(500)];
    m[H_TOP] = value;
    if (value !== 0) t.is(code(() => h.check()), 'HEAP_CORRUPTED', `top word ${value}`);
    for (let i = 0; i < 20; i++) {
      let p = 0;
      const c = code(() => (p = h.allocate(700)));
      t.true(c === 'no error' || c === 'HEAP_CORRUPTED', `top word ${value}: ${c}`);
      if (c !== 'no error') break;
      if (p === 0) continue;
      t.true(p >= 8 && p + 700 <= h.poolSize, `top word ${value}: ${p} outside the heap`);
      for (const q of live) t.true(p + 700 <= q - 8 || q + 500 <= p - 8, `top word ${value}: ${p} over a live block at ${q}`);
      live.push(p);
    }
  }
});

test('the fast path is methods of the class (nothing made per allocator), which say DESTROYED once it is destroyed', (t) => {
  const h = createAllocator({ poolSize: 8192 });
  for (const name of ['allocate', 'free', 'reallocate']) t.false(Object.prototype.hasOwnProperty.call(h, name), `${name} is not an own property`);
  // Every lock takes the same class (the lock around its calls); a debug pool and a traced one take
  // the generic one.
  t.is(Object.getPrototypeOf(h), Object.getPrototypeOf(createAllocator({ poolSize: 8192, lock: 'interrupt' })), 'the interrupt lock takes the TLSF class');
  t.is(Object.getPrototypeOf(h), Object.getPrototypeOf(createAllocator({ poolSize: 8192, lock: 'atomics' })), 'the atomics lock takes the TLSF class');
  t.is(Object.getPrototypeOf(createAllocator({ poolSize: 8192, debug: true })), CoreAllocator.prototype, 'a debug pool takes the generic class');
  t.is(Object.getPrototypeOf(createAllocator({ poolSize: 8192, trace: () => {} })), CoreAllocator.prototype, 'a traced pool takes the generic class');
  t.is(Object.getPrototypeOf(createAllocator({ poolSize: 8192, strategy: 'best-fit' })), CoreAllocator.prototype, 'a list strategy takes the generic class');
  const p = h.allocate(100);
  t.not(p, 0);
  const q = h.reallocate(p, 200);
  h.free(q);
  t.is(code(() => h.free(q)), 'DOUBLE_FREE');
  const r = h.allocate(10);
  h.destroy();
  t.is(code(() => h.allocate(10)), 'DESTROYED');
  t.is(code(() => h.allocate(10, 64)), 'DESTROYED');
  t.is(code(() => h.free(r)), 'DESTROYED');
  t.is(code(() => h.reallocate(r, 20)), 'DESTROYED');
  t.is(code(() => h.reallocate(0, 20)), 'DESTROYED');
  t.is(code(() => h.stats()), 'DESTROYED');
});

test('an alignment argument on the fast path: checked first, then honoured', (t) => {
  const h = createAllocator({ poolSize: 8192 });
  t.is(code(() => h.allocate(100, 3)), 'INVALID_ALIGNMENT');
  t.is(code(() => h.allocate(100000, 3)), 'INVALID_SIZE');
  t.is(code(() => h.allocate(8000, 3)), 'INVALID_ALIGNMENT', 'a size the heap cannot hold does not hide a bad alignment');
  t.is(h.allocate(8000, 64), 0);
  for (const align of [8, 16, 64, 256, 1024]) {
    const p = h.allocate(40, align);
    t.is(p % align, 0, `alignment ${align}`);
  }
  h.check();
});

test('statistics of the fast path: in the header, where stats() and check() read them; reset() zeroes them', (t) => {
  const h = createAllocator({ poolSize: 8192 });
  const m = new Int32Array(h.buffer);
  const a = h.allocate(100);
  const b = h.allocate(64, 64); // the generic path, counting in the same header words
  const c = h.reallocate(a, 3000); // a move
  h.free(b);
  let s = h.stats();
  t.like(s, { allocations: 2, frees: 1, usedBlocks: 1, usedBytes: 3008, failedAllocations: 0 });
  t.true(s.peakUsedBytes >= 3008 + 112);
  h.check();
  t.is(h.allocate(8000), 0);
  t.is(h.stats().failedAllocations, 1);
  h.reset();
  s = h.stats();
  t.like(s, { allocations: 0, frees: 0, usedBlocks: 0, usedBytes: 0, peakUsedBytes: 0, failedAllocations: 0 });
  h.check();
  h.free(h.allocate(40));
  const p = h.allocate(24);
  const final = h.stats();
  h.destroy();
  t.deepEqual(
    [m[H_USED_BYTES], m[H_PEAK_USED], m[H_FAILED], m[H_ALLOCS], m[H_FREES]],
    [final.usedBytes, final.peakUsedBytes, final.failedAllocations, final.allocations, final.frees],
  );
  t.true(p > 0 && c > 0);
});

test('a pool in a SharedArrayBuffer keeps its statistics in the header, where an attached allocator reads them', (t) => {
  const sab = new SharedArrayBuffer(16384);
  const first = createAllocator({ buffer: sab, lock: 'none' });
  const p = first.allocate(100);
  const second = createAllocator({ buffer: sab, attach: true, lock: 'none' });
  t.like(second.stats(), { allocations: 1, usedBlocks: 1 });
  const q = second.allocate(200);
  t.like(first.stats(), { allocations: 2, usedBlocks: 2 });
  first.free(q);
  second.free(p);
  first.check();
  second.check();
  t.like(second.stats(), { allocations: 2, frees: 2, usedBlocks: 0 });
});
