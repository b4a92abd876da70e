import test from 'ava';
import { AllocatorError, createAllocator, type StrategyName } from '../src/index.js';
import { STRATEGY_NAMES } from '../src/strategies/registry.js';

const STRATEGIES: readonly StrategyName[] = STRATEGY_NAMES;

for (const strategy of STRATEGIES) {
  test(`${strategy} (debug): a one-byte overrun is reported by free() and check()`, (t) => {
    const heap = createAllocator({ poolSize: 4096, strategy, debug: true });
    const p = heap.allocate(13);
    const q = heap.allocate(13);
    t.is(heap.usableSize(p), 13, 'debug blocks expose exactly the requested size');
    new Uint8Array(heap.buffer)[p + 13] = 0; // one byte past the request
    const e1 = t.throws(() => heap.check(), { instanceOf: AllocatorError });
    t.is(e1!.code, 'HEAP_CORRUPTED');
    t.regex(e1!.message, new RegExp(`block at ${p - 8}: overrun`));
    const before = Buffer.from(heap.buffer.slice(0));
    t.is(t.throws(() => heap.free(p), { instanceOf: AllocatorError })!.code, 'HEAP_CORRUPTED');
    t.true(Buffer.from(heap.buffer).equals(before), 'a refused free changes nothing');
    heap.free(q);
  });

  test(`${strategy} (debug): a write to freed memory is reported by check()`, (t) => {
    const heap = createAllocator({ poolSize: 4096, strategy, debug: true });
    const p = heap.allocate(64);
    heap.allocate(64);
    heap.free(p);
    heap.check();
    new Uint8Array(heap.buffer)[p + 40] = 1; // use after free
    const e = t.throws(() => heap.check(), { instanceOf: AllocatorError });
    t.regex(e!.message, /use after free/);
  });

  test(`${strategy}: check() names the first bad block when a header is overwritten`, (t) => {
    const heap = createAllocator({ poolSize: 4096, strategy });
    const p = heap.allocate(64);
    const q = heap.allocate(64);
    heap.check();
    new Int32Array(heap.buffer)[(q - 4) >> 2] = 0x7777; // q's size word, as an underrun of p would
    const e = t.throws(() => heap.check(), { instanceOf: AllocatorError });
    t.is(e!.code, 'HEAP_CORRUPTED');
    t.is(e!.offset, q - 8);
    t.true(p > 0);
  });
}

test('release pools expose the rounded usable size', (t) => {
  const heap = createAllocator({ poolSize: 4096 });
  t.is(heap.usableSize(heap.allocate(13)), 16);
  t.is(heap.usableSize(heap.allocate(0)), 8);
});

test('stats() on a free list damaged into a cycle throws instead of looping', (t) => {
  const heap = createAllocator({ poolSize: 4096, strategy: 'first-fit' });
  const a = heap.allocate(64);
  heap.allocate(64);
  heap.free(a);
  // Two free blocks now: a's and the tail. Point the tail's next link back at a's block.
  const words = new Int32Array(heap.buffer);
  const tail = [...heap.blocks()].filter((b) => !b.used).pop()!.offset;
  words[tail >> 2] = a - 8;
  t.is(t.throws(() => heap.stats(), { instanceOf: AllocatorError })!.code, 'HEAP_CORRUPTED');
  t.is(t.throws(() => heap.check(), { instanceOf: AllocatorError })!.code, 'HEAP_CORRUPTED');
});
