/**
 * What happens around a pool rather than inside it: a buffer that is transferred or shrunk under the
 * pool, a buffer that already holds a live pool, the atomics lock on a buffer no other thread can see,
 * and a lock word that something else wrote. Each is refused or reported with its own code, and the
 * pool (or what is left of it) stays as it was.
 */
import test from 'ava';
import { Worker } from 'node:worker_threads';
import { createAllocator, type Allocator, type StrategyName } from '../src/index.js';
import { errorCode } from './helpers/error-code.js';
import { STRATEGY_NAMES } from '../src/strategies/registry.js';

const STRATEGIES: readonly StrategyName[] = STRATEGY_NAMES;

/** Every call of the API on `heap`, each with the code it threw ('' when it did not throw). */
function everyCall(heap: Allocator, p: number): Record<string, string> {
  return {
    allocate: errorCode(() => heap.allocate(50)),
    allocateAligned: errorCode(() => heap.allocate(50, 64)),
    allocateZeroed: errorCode(() => heap.allocateZeroed(4, 8)),
    reallocate: errorCode(() => heap.reallocate(p, 300)),
    reallocateNull: errorCode(() => heap.reallocate(0, 30)),
    free: errorCode(() => heap.free(p)),
    usableSize: errorCode(() => heap.usableSize(p)),
    bytes: errorCode(() => heap.bytes(p)),
    stats: errorCode(() => heap.stats()),
    check: errorCode(() => heap.check()),
    blocks: errorCode(() => heap.blocks()),
    reset: errorCode(() => heap.reset()),
  };
}

/** ES2024's resizable ArrayBuffer (Node 20 has it; the project's lib is ES2022). */
interface Resizable extends ArrayBuffer { resize(byteLength: number): void }
const resizable = (byteLength: number, maxByteLength: number) =>
  new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => Resizable)(byteLength, { maxByteLength });

/** The message of what f throws. */
function thrown(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return '';
}

const all = (code: string) => Object.fromEntries(Object.keys(everyCall(createAllocator({ poolSize: 4096 }), 0)).map((k) => [k, code]));

test('a transferred buffer: every call says BUFFER_DETACHED, and destroy() still ends the allocator', (t) => {
  for (const strategy of STRATEGIES) {
    for (const debug of [false, true]) {
      const buffer = new ArrayBuffer(8192);
      const heap = createAllocator({ buffer, strategy, debug });
      const p = heap.allocate(100);
      structuredClone(buffer, { transfer: [buffer] });
      t.deepEqual(everyCall(heap, p), all('BUFFER_DETACHED'), `${strategy} debug=${debug}`);
      heap.destroy();
      t.is(errorCode(() => heap.allocate(8)), 'DESTROYED');
    }
  }
});

test('a resizable buffer shrunk under the pool is BUFFER_DETACHED; grown, the pool goes on', (t) => {
  const grown = resizable(8192, 16384);
  const heap = createAllocator({ buffer: grown });
  const p = heap.allocate(100);
  grown.resize(16384);
  t.is(heap.usableSize(p), 104);
  heap.free(p);
  heap.check();

  const shrunk = resizable(8192, 8192);
  const small = createAllocator({ buffer: shrunk, strategy: 'first-fit' });
  const q = small.allocate(100);
  shrunk.resize(4096);
  t.deepEqual(everyCall(small, q), all('BUFFER_DETACHED'));
});

test('a buffer that holds a live pool is refused untouched; attach or reformat say what to do, destroy() releases it', (t) => {
  const buffer = new ArrayBuffer(8192);
  const owner = createAllocator({ buffer, strategy: 'best-fit' });
  const p = owner.allocate(100);
  const before = new Uint8Array(buffer).slice();
  for (const options of [{}, { strategy: 'tlsf' as const }, { reformat: false }]) {
    t.is(errorCode(() => createAllocator({ buffer, ...options })), 'INVALID_OPTIONS');
    t.regex(thrown(() => createAllocator({ buffer, ...options })), /holds an mcalloc pool .*attach: true .*reformat: true/);
  }
  t.deepEqual(new Uint8Array(buffer), before, 'the live pool was not touched');
  t.is(owner.usableSize(p), 104);
  t.is(errorCode(() => createAllocator({ buffer, attach: true, reformat: true })), 'INVALID_OPTIONS');
  t.is(errorCode(() => createAllocator({ buffer, reformat: 'yes' as unknown as boolean })), 'INVALID_OPTIONS');

  // Asked for, the pool is wiped: the old allocator's block is gone with it.
  const wiped = createAllocator({ buffer, reformat: true });
  t.is(wiped.stats().usedBlocks, 0);
  wiped.destroy();
  // destroy() of the allocator that formatted the pool releases the buffer.
  const again = createAllocator({ buffer });
  t.is(again.stats().usedBlocks, 0);
});

test('destroy() of an attached allocator leaves the pool to the others', (t) => {
  const buffer = new SharedArrayBuffer(8192);
  const owner = createAllocator({ buffer, lock: 'atomics' });
  const p = owner.allocate(100);
  createAllocator({ buffer, attach: true }).destroy();
  t.is(errorCode(() => createAllocator({ buffer, lock: 'atomics' })), 'INVALID_OPTIONS');
  t.is(owner.usableSize(p), 104);
  owner.destroy();
  t.notThrows(() => createAllocator({ buffer, lock: 'atomics' }));
});

test('the atomics lock takes a SharedArrayBuffer only, and reserves one when given none', (t) => {
  const plain = new ArrayBuffer(8192);
  t.is(errorCode(() => createAllocator({ buffer: plain, lock: 'atomics' })), 'INVALID_OPTIONS');
  t.deepEqual(new Uint8Array(plain), new Uint8Array(8192), 'nothing was written');
  const heap = createAllocator({ poolSize: 8192, lock: 'atomics' });
  t.true(heap.buffer instanceof SharedArrayBuffer);
  // Another thread can attach to the pool it made.
  t.is(createAllocator({ buffer: heap.buffer, attach: true }).lock, 'atomics');
});

test('a lock word that is no lock state is HEAP_CORRUPTED at once, and left as it was found', (t) => {
  for (const word of [3, -1, 0x4d43414c, 12345]) {
    const heap = createAllocator({ poolSize: 8192, lock: 'atomics' });
    const p = heap.allocate(64);
    const m = new Int32Array(heap.buffer);
    m[4] = word; // H_LOCK
    for (const call of [() => heap.allocate(8), () => heap.free(p), () => heap.stats()]) t.is(errorCode(call), 'HEAP_CORRUPTED', String(word));
    t.is(m[4], word);
    m[4] = 0;
    heap.free(p);
    heap.check();
  }
});

test('a lock another thread holds is still waited for', async (t) => {
  const heap = createAllocator({ poolSize: 8192, lock: 'atomics' });
  const m = new Int32Array(heap.buffer);
  m[4] = 1; // taken, as by a holder in another Worker
  const holder = new Worker(
    `const { workerData } = require('node:worker_threads');
     const m = new Int32Array(workerData);
     Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300); // holds it for 300 ms
     if (Atomics.exchange(m, 4, 0) === 2) Atomics.notify(m, 4, 1);`,
    { eval: true, workerData: heap.buffer },
  );
  const p = heap.allocate(64);
  t.not(p, 0);
  t.is(Atomics.load(m, 4), 0, 'released after the call');
  await new Promise((done) => holder.once('exit', done));
  heap.free(p);
  heap.check();
});
