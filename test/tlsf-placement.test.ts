/**
 * Where TLSF puts a block inside the free block it found (docs/design.md, "Where TLSF places a block"):
 * requests of up to 256 bytes at a free block's high end, larger ones at its low end; of the top, only
 * blocks of up to 128 bytes at its far end. Checked on the release path and on a traced pool (the
 * generic core), which must agree.
 */
import test from 'ava';
import { createAllocator, type AllocatorOptions } from '../src/index.js';
import { H_HEAP_END, H_HEAP_START } from '../src/pool.js';

const POOL = 1 << 16;
const kinds: [string, Partial<AllocatorOptions>][] = [
  ['release', {}],
  ['traced (generic core)', { trace: () => {} }],
];

function heapOf(options: Partial<AllocatorOptions>) {
  const a = createAllocator({ poolSize: POOL, strategy: 'tlsf', lock: 'none', ...options });
  const m = new Int32Array(a.buffer);
  return { a, start: m[H_HEAP_START], end: m[H_HEAP_END] };
}

for (const [kind, options] of kinds) {
  test(`${kind}: of the top, a block of up to 128 bytes comes from the far end, a larger one from the low end`, (t) => {
    const { a, start, end } = heapOf(options);
    const large = a.allocate(121);
    t.is(large - 8, start, 'a 136-byte block starts the heap');
    const small = a.allocate(120);
    t.is(small - 8 + 128, end, 'a 128-byte block ends it');
    // The rest no longer ends the heap: it is a bucket's block, whose high end the next small request takes.
    const next = a.allocate(100);
    t.is(next - 8 + 112, small - 8);
    a.check();
  });

  test(`${kind}: of a free block in a bucket, a request of up to 256 bytes takes the high end, a larger one the low end`, (t) => {
    const { a } = heapOf(options);
    const hole = a.allocate(4000);
    const fence = a.allocate(4000);
    a.free(hole);
    const b = hole - 8;
    const small = a.allocate(256);
    t.is(small - 8 + 264, b + 4008, 'a 264-byte block ends the hole');
    const large = a.allocate(257);
    t.is(large - 8, b, 'a 272-byte block starts it');
    a.free(small);
    a.free(large);
    t.is(a.stats().freeBlocks, 2, 'the hole merged whole again, beside the top');
    a.free(fence);
    a.check();
  });

  test(`${kind}: from the next class up, the smaller of the bucket's first two blocks`, (t) => {
    const { a } = heapOf(options);
    // Two free blocks of 1024 and 1040 bytes, one bucket (1024-1151); the later freed is its head.
    const small = a.allocate(1016);
    const fence1 = a.allocate(400);
    const large = a.allocate(1032);
    const fence2 = a.allocate(400);
    a.free(small);
    a.free(large);
    // 608 bytes: a lower class, so the search takes that bucket, where both fit.
    t.is(a.allocate(600), small);
    t.is(a.allocate(600), large);
    a.free(fence1);
    a.free(fence2);
    a.check();
  });

  test(`${kind}: a buffer grown by reallocate keeps its place while small blocks come and go between the steps`, (t) => {
    const { a } = heapOf(options);
    let buffer = a.allocate(2000);
    const first = buffer;
    const small: number[] = [];
    for (let size = 2040; size < 20000; size += 40) {
      buffer = a.reallocate(buffer, size);
      t.not(buffer, 0);
      small.push(a.allocate(16 + (size % 48)));
      if (small.length > 3) a.free(small.shift()!);
    }
    t.is(buffer, first, 'grown in place at every step');
    a.check();
  });

  test(`${kind}: small long-lived blocks stay apart from large transient ones, so the large ones' space merges back whole`, (t) => {
    const { a } = heapOf(options);
    const large: number[] = [];
    const small: number[] = [];
    for (let i = 0; i < 40; i++) {
      small.push(a.allocate(32));
      large.push(a.allocate(400));
    }
    for (const p of large) a.free(p);
    // 40 blocks of 408 bytes freed: one free block of them all (and the top), not 40 holes between small blocks.
    t.true(a.stats().freeBlocks <= 2, `${a.stats().freeBlocks} free blocks`);
    const larger = a.allocate(40 * 400);
    t.not(larger, 0);
    t.true(larger < small[small.length - 1], 'the larger request takes the space the large blocks left');
    a.check();
  });
}
