/**
 * The cases of the hardening issue, each one a test that failed before the fix: stray writes that
 * handed a block out twice or looped, the Int32 wrap at the largest pool, alignment lost by
 * reallocate, TypeErrors instead of AllocatorErrors, options accepted silently, check() failing with a
 * RangeError, the facade stuck after destroy(), misleading error codes, and a throwing trace callback.
 */
import test from 'ava';
import * as api from '../src/index.js';
import { AllocatorError, createAllocator, initAllocator, type Allocator, type AllocatorOptions, type StrategyName } from '../src/index.js';
import { errorCode } from './helpers/error-code.js';

const code = errorCode;

/**
 * Runs every allocation of `sizes` (a refusal does not end the run: the calls after it must hold too);
 * each must return a pointer inside the heap over no live block, or 0, or report the damage as
 * HEAP_CORRUPTED. Returns how many calls reported it.
 */
function survives(t: import('ava').ExecutionContext, heap: Allocator, live: Map<number, number>, sizes: number[]): number {
  let detected = 0;
  for (const size of sizes) {
    let p: number;
    try {
      p = heap.allocate(size);
    } catch (e) {
      t.true(e instanceof AllocatorError, String(e));
      t.is((e as AllocatorError).code, 'HEAP_CORRUPTED', String(e));
      detected++;
      continue;
    }
    if (p === 0) continue;
    t.true(p >= 8 && p % 8 === 0 && p + size <= heap.poolSize, `pointer ${p} (+${size}) outside the heap`);
    for (const [q, n] of live) t.false(p < q + n && q < p + size, `pointer ${p} (+${size}) over live block ${q} (+${n})`);
    live.set(p, size);
  }
  return detected;
}

for (const strategy of ['first-fit', 'tlsf'] as StrategyName[]) {
  for (const debug of [false, true]) {
    test(`${strategy}${debug ? ' (debug)' : ''}: a 4-byte write after free does not hand a block out twice`, (t) => {
      const h = createAllocator({ poolSize: 8192, strategy, debug });
      const a = h.allocate(64), x = h.allocate(64), b = h.allocate(64), y = h.allocate(64);
      h.free(a);
      h.free(b);
      new Int32Array(h.buffer)[a >> 2] = b - 8;
      const live = new Map([[x, 64], [y, 64]]);
      const detected = survives(t, h, live, [64, 64, 200]);
      // Either the forged link was caught, or it was ignored and all three requests were served apart.
      t.true(detected > 0 || live.size === 5, `${detected} refusals, ${live.size - 2} blocks served`);
    });

    test(`${strategy}${debug ? ' (debug)' : ''}: an 8-byte overrun gives no block outside the pool and no hang`, (t) => {
      const h = createAllocator({ poolSize: 8192, strategy, debug });
      const a = h.allocate(96), b = h.allocate(64);
      const dv = new DataView(h.buffer);
      dv.setUint32(a + 96, 0, true);
      dv.setUint32(a + 100, 65536, true);
      const live = new Map([[b, 64]]);
      // The block after a now claims to be a free block of 64 KiB: free(a) must not merge with it.
      t.is(code(() => h.free(a)), 'HEAP_CORRUPTED');
      survives(t, h, live, [64, 200, 1000, 5000, 7000]);
    });
  }

  test(`${strategy}: the largest pool does not wrap sizes to 32 bits`, (t) => {
    const h = createAllocator({ poolSize: 2 ** 31 - 8, strategy });
    const big = h.stats().largestFreeBlock;
    for (const size of [2 ** 31 - 8, 2 ** 31 - 15, big + 1]) t.is(h.allocate(size), 0, `allocate(${size})`);
    const p = h.allocate(big);
    t.not(p, 0);
    t.true(h.usableSize(p) >= big);
    h.check();
  });
}

test('reallocate keeps the pool default alignment when it moves a block', (t) => {
  const h = createAllocator({ poolSize: 16384, alignment: 64 });
  const p = h.allocate(40);
  h.allocate(40); // a neighbour, so growing must move
  const q = h.reallocate(p, 3000);
  t.not(q, p);
  t.is(q % 64, 0);
  // Growing backwards into a freed predecessor keeps it too.
  const a = h.allocate(200), b = h.allocate(40);
  h.allocate(40);
  h.free(a);
  t.is(h.reallocate(b, 200) % 64, 0);
  h.check();
});

test('BigInt, Symbol and detached buffers are AllocatorErrors, not TypeErrors', (t) => {
  const h = createAllocator({ poolSize: 4096 });
  const p = h.allocate(16);
  const before = Buffer.from(h.buffer.slice(0));
  t.is(code(() => h.allocate(BigInt(16) as unknown as number)), 'INVALID_SIZE');
  t.is(code(() => h.free(Symbol() as unknown as number)), 'INVALID_POINTER');
  t.is(code(() => h.free(BigInt(16) as unknown as number)), 'INVALID_POINTER');
  t.is(code(() => h.reallocate(p, BigInt(8) as unknown as number)), 'INVALID_SIZE');
  t.is(code(() => h.reallocate(Symbol() as unknown as number, 8)), 'INVALID_POINTER');
  t.is(code(() => h.usableSize(BigInt(16) as unknown as number)), 'INVALID_POINTER');
  t.true(Buffer.from(h.buffer).equals(before), 'the pool changed');
  const detached = new ArrayBuffer(4096);
  structuredClone(detached, { transfer: [detached] });
  t.is(code(() => createAllocator({ buffer: detached })), 'INVALID_OPTIONS');
});

test('options of the wrong type and unknown keys are refused, naming the key', (t) => {
  const bad: [AllocatorOptions, RegExp][] = [
    [{ debug: 'yes' } as unknown as AllocatorOptions, /debug/],
    [{ debug: 1 } as unknown as AllocatorOptions, /debug/],
    [{ stratgy: 'tlsf' } as unknown as AllocatorOptions, /stratgy/],
    [{ attach: 'no' } as unknown as AllocatorOptions, /attach/],
    [{ strategy: 7 } as unknown as AllocatorOptions, /strategy/],
    [{ trace: 'stdout' } as unknown as AllocatorOptions, /trace/],
  ];
  for (const [options, key] of bad) {
    const err = t.throws(() => createAllocator(options), { instanceOf: AllocatorError });
    t.is(err!.code, 'INVALID_OPTIONS');
    t.regex(err!.message, key);
  }
});

test('check() reports a damaged pool header as HEAP_CORRUPTED, never a RangeError', (t) => {
  for (let word = 0; word < 24; word++) {
    if (word === 4 || (word >= 8 && word <= 14)) continue; // the lock word, counters and the rover: not layout
    for (const value of [0, -1, 0x7fffffff, 12345]) {
      const h = createAllocator({ poolSize: 4096 });
      h.free(h.allocate(100));
      h.allocate(50);
      const m = new Int32Array(h.buffer);
      if (m[word] === value) continue;
      m[word] = value;
      const c = code(() => h.check());
      t.true(c === 'HEAP_CORRUPTED' || c === 'no error', `word ${word} = ${value}: ${c}`);
      t.not(code(() => h.allocate(64)).startsWith('untyped'), true, `allocate after word ${word} = ${value}`);
    }
  }
  // A garbage header is refused at attach, not accepted and then failing with a RangeError.
  const shared = new SharedArrayBuffer(4096);
  createAllocator({ buffer: shared, lock: 'atomics' });
  new Int32Array(shared)[6] = -4000;
  t.is(code(() => createAllocator({ buffer: shared, lock: 'atomics', attach: true })), 'INVALID_OPTIONS');
});

test('the facade can be initialised again after the default heap was destroyed directly', (t) => {
  initAllocator().destroy();
  const heap = initAllocator({ poolSize: 4096 });
  t.not(api.allocateMemory(10), 0);
  api.destroyAllocator();
  t.is(code(() => api.allocateMemory(10)), 'NOT_INITIALIZED');
  t.false(heap.destroyed === false, 'destroyAllocator() destroyed the heap');
});

test('codes say what happened: never allocated, reset, and a too-large allocateZeroed', (t) => {
  for (const debug of [false, true]) {
    const h = createAllocator({ poolSize: 8192, debug });
    const p = h.allocate(64);
    h.allocate(64);
    t.is(code(() => h.free(p + 1024)), 'INVALID_POINTER', `never allocated (debug ${debug})`);
    const q = h.allocate(64);
    h.free(q);
    t.is(code(() => h.free(q)), 'DOUBLE_FREE', `freed twice (debug ${debug})`);
    h.reset();
    t.is(code(() => h.free(p)), 'INVALID_POINTER', `pointer from before reset() (debug ${debug})`);
    t.is(code(() => h.free(q)), 'INVALID_POINTER', `freed pointer from before reset() (debug ${debug})`);
  }
  const h = createAllocator({ poolSize: 8192 });
  const err = t.throws(() => h.allocateZeroed(2 ** 53, 4), { instanceOf: AllocatorError });
  t.is(err!.code, 'INVALID_SIZE');
  t.notRegex(err!.message, /9007199254740991-byte/);
  t.regex(err!.message, /8192-byte pool/);
});

test('a trace callback that throws does not lose the block it reported', (t) => {
  const h = createAllocator({ poolSize: 4096, trace: () => { throw new Error('log full'); } });
  const p = h.allocate(100);
  t.not(p, 0);
  t.is(h.stats().usedBlocks, 1);
  const q = h.reallocate(p, 2000);
  t.not(q, 0);
  h.free(q);
  t.is(h.stats().usedBlocks, 0);
  h.check();
});

test('setPreemptHook is not part of the public API', (t) => {
  t.false('setPreemptHook' in api);
});

test('debug: a write after free is reported by the allocation that reuses the block, naming it', (t) => {
  for (const strategy of ['first-fit', 'tlsf'] as StrategyName[]) {
    const h = createAllocator({ poolSize: 8192, strategy, debug: true });
    const p = h.allocate(64);
    h.allocate(64);
    h.free(p);
    new Uint8Array(h.buffer)[p + 20] = 1; // through a pointer kept after free()
    const err = t.throws(() => h.allocate(64), { instanceOf: AllocatorError });
    t.is(err!.code, 'HEAP_CORRUPTED');
    t.is(err!.offset, p - 8);
    t.regex(err!.message, /use after free/);
  }
});
