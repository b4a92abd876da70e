import test from 'ava';
import {
  AllocatorError, allocateMemory, createAllocator, defaultHeap, destroyAllocator, freeMemory, initAllocator,
  type StrategyName,
} from '../src/index.js';
import { STRATEGY_NAMES } from '../src/strategies/registry.js';

const STRATEGIES: readonly StrategyName[] = STRATEGY_NAMES;

test('the seed-named facade drives one default allocator', (t) => {
  t.is(t.throws(() => allocateMemory(8), { instanceOf: AllocatorError })!.code, 'NOT_INITIALIZED');
  initAllocator({ poolSize: 4096 });
  t.is(t.throws(() => initAllocator(), { instanceOf: AllocatorError })!.code, 'ALREADY_INITIALIZED');
  const p = allocateMemory(100);
  t.true(p > 0 && p % 8 === 0);
  t.is(defaultHeap().stats().usedBlocks, 1);
  freeMemory(p);
  t.is(t.throws(() => freeMemory(p), { instanceOf: AllocatorError })!.code, 'DOUBLE_FREE');
  destroyAllocator();
  t.is(t.throws(() => freeMemory(p), { instanceOf: AllocatorError })!.code, 'NOT_INITIALIZED');
  initAllocator({ strategy: 'best-fit' });
  t.is(defaultHeap().strategy, 'best-fit');
  t.is(defaultHeap().poolSize, 65536);
  destroyAllocator();
});

for (const strategy of STRATEGIES) {
  test(`${strategy}: reallocate grows and shrinks in place, backwards too, and keeps the contents`, (t) => {
    const heap = createAllocator({ poolSize: 8192, strategy });
    // Blocks over 128 bytes: TLSF cuts them from the top's low end too, so a, b, c and guard follow each other.
    const a = heap.allocate(136);
    const b = heap.allocate(136);
    const c = heap.allocate(136);
    const guard = heap.allocate(136);
    heap.bytes(b).fill(7);
    t.is(heap.reallocate(b, 40), b, 'shrinks in place');
    t.true(heap.bytes(b).subarray(0, 40).every((x) => x === 7));
    heap.free(c);
    t.is(heap.reallocate(b, 200), b, 'grows forward into the free next block');
    t.true(heap.bytes(b).subarray(0, 40).every((x) => x === 7));
    heap.bytes(b).fill(9);
    heap.free(a);
    const moved = heap.reallocate(b, 300);
    t.is(moved, a, 'grows backward into the free previous block, moving the payload down');
    t.true(heap.bytes(moved).subarray(0, 200).every((x) => x === 9));
    const dead = t.throws(() => heap.free(b), { instanceOf: AllocatorError })!.code;
    t.true(dead === 'DOUBLE_FREE' || dead === 'INVALID_POINTER', 'the old pointer is dead');
    const far = heap.reallocate(moved, 1000);
    t.true(far > guard, 'moves when no neighbour has room');
    t.true(heap.bytes(far).subarray(0, 200).every((x) => x === 9));
    heap.free(far);
    heap.free(guard);
    heap.check();
    t.is(heap.stats().freeBlocks, 1);
    t.is(heap.stats().usedBlocks, 0);
    const p = heap.reallocate(0, 50);
    t.true(p > 0, 'reallocate(0, n) allocates, as in C');
    heap.free(0);
    heap.free(p);
    heap.check();
  });

  test(`${strategy}: allocate honours alignments from 8 to 4096`, (t) => {
    const heap = createAllocator({ poolSize: 65536, strategy });
    const ptrs = [];
    for (let align = 1; align <= 4096; align *= 2) {
      heap.allocate(8); // shift the next block off alignment
      const p = heap.allocate(24, align);
      t.not(p, 0);
      t.is(p % Math.max(align, 8), 0, `alignment ${align}`);
      ptrs.push(p);
      heap.check();
    }
    const aligned = createAllocator({ poolSize: 8192, strategy, alignment: 64 });
    for (let i = 0; i < 10; i++) t.is(aligned.allocate(10 + i) % 64, 0, 'the alignment option sets the default');
    aligned.check();
  });

  test(`${strategy}: allocateZeroed zeroes memory that was used before`, (t) => {
    const heap = createAllocator({ poolSize: 4096, strategy });
    const p = heap.allocate(1000);
    heap.bytes(p).fill(0xff);
    heap.free(p);
    const z = heap.allocateZeroed(25, 40);
    t.true(new Uint8Array(heap.buffer, z, 1000).every((x) => x === 0));
    t.is(heap.allocateZeroed(0, 10) > 0, true, 'zero bytes still gives a unique pointer, as malloc(0) may');
  });

  test(`${strategy}: reset empties the pool and invalidates old pointers`, (t) => {
    const heap = createAllocator({ poolSize: 4096, strategy });
    const p = heap.allocate(64);
    heap.allocate(64);
    heap.reset();
    const s = heap.stats();
    t.is(s.usedBlocks, 0);
    t.is(s.freeBlocks, 1);
    const code = t.throws(() => heap.free(p), { instanceOf: AllocatorError })!.code;
    t.true(code === 'DOUBLE_FREE' || code === 'INVALID_POINTER');
    heap.check();
  });
}

test('a second allocator attaches to an initialised shared pool without resetting it', (t) => {
  const sab = new SharedArrayBuffer(16384);
  const first = createAllocator({ buffer: sab, strategy: 'best-fit', lock: 'atomics' });
  const p = first.allocate(100);
  first.bytes(p).fill(42);
  const second = createAllocator({ buffer: sab, attach: true, lock: 'atomics' });
  t.is(second.strategy, 'best-fit', 'the strategy comes from the pool header');
  t.true(second.bytes(p).every((x) => x === 42));
  const q = second.allocate(200);
  t.is(first.stats().usedBlocks, 2);
  first.free(q);
  second.free(p);
  second.check();
  t.is(first.stats().freeBlocks, 1);
  const err = t.throws(() => createAllocator({ buffer: sab, attach: true, strategy: 'tlsf' }), { instanceOf: AllocatorError });
  t.regex(err!.message, /uses best-fit/);
});

test('stats: usage, peak, fragmentation', (t) => {
  const heap = createAllocator({ poolSize: 8192, strategy: 'first-fit' });
  const empty = heap.stats();
  t.is(empty.fragmentation, 0);
  t.is(empty.usedBytes + empty.freeBytes, empty.heapSize);
  t.is(empty.largestFreeBlock, empty.heapSize - 8);
  const ps: number[] = [];
  for (let p = heap.allocate(100); p !== 0; p = heap.allocate(100)) ps.push(p);
  t.is(heap.stats().failedAllocations, 1);
  for (let i = 0; i < ps.length; i += 2) heap.free(ps[i]);
  const s = heap.stats();
  const freed = Math.ceil(ps.length / 2);
  t.is(s.usedBlocks, ps.length - freed);
  t.is(s.usedBytes, s.usedBlocks * 112);
  t.is(s.peakUsedBytes, ps.length * 112);
  t.is(s.allocations, ps.length);
  t.is(s.frees, freed);
  t.true(s.freeBlocks >= freed);
  t.true(s.fragmentation > 0.9, `free memory in 112-byte holes is fragmented (${s.fragmentation})`);
  t.true(s.largestFreeBlock < 200);
});

test('the trace option emits one line per operation, with ids that survive a moving reallocate', (t) => {
  const lines: string[] = [];
  const heap = createAllocator({ poolSize: 4096, trace: (l) => lines.push(l) });
  const a = heap.allocate(10);
  const b = heap.allocate(20);
  const a2 = heap.reallocate(a, 500);
  t.not(a2, a);
  heap.free(b);
  heap.free(a2);
  heap.allocate(100000 > heap.poolSize ? 4000 : 0); // fails: no line
  t.deepEqual(lines, ['a 1 10', 'a 2 20', 'r 1 500', 'f 2', 'f 1']);
});
