import test from 'ava';
import { AllocatorError, createAllocator, initAllocator, type Allocator, type StrategyName } from '../src/index.js';
import { STRATEGY_NAMES } from '../src/strategies/registry.js';

const STRATEGIES: readonly StrategyName[] = STRATEGY_NAMES;

/** A pool with used and free blocks in it, including a block that was freed and merged away. */
function busyPool(strategy: StrategyName, debug: boolean) {
  const heap = createAllocator({ poolSize: 8192, strategy, debug });
  const p = Array.from({ length: 12 }, (_, i) => heap.allocate(16 + i * 24));
  for (const i of [1, 5, 6]) heap.free(p[i]);
  const freedAlone = p[1]; // its header is the free block's header
  const freedMerged = p[6]; // merged into p[5]'s free block: only a stale header is left
  const live = p.filter((_, i) => ![1, 5, 6].includes(i));
  for (const q of live) heap.bytes(q).fill(0xa5);
  return { heap, live, freedAlone, freedMerged };
}

function expectUntouched(t: import('ava').ExecutionContext, heap: Allocator, code: string | string[], call: () => unknown) {
  const before = Buffer.from(heap.buffer.slice(0));
  const err = t.throws(call, { instanceOf: AllocatorError });
  const codes = Array.isArray(code) ? code : [code];
  t.true(codes.includes(err!.code), `expected ${codes.join('|')}, got ${err!.code}: ${err!.message}`);
  t.true(Buffer.from(heap.buffer).equals(before), 'the pool changed');
}

for (const strategy of STRATEGIES) {
  for (const debug of [false, true]) {
    const name = `${strategy}${debug ? ' (debug)' : ''}`;

    test(`${name}: bad pointers are refused and leave the pool as it was`, (t) => {
      const { heap, live, freedAlone, freedMerged } = busyPool(strategy, debug);
      const other = createAllocator({ poolSize: 8192, strategy: strategy === 'tlsf' ? 'first-fit' : 'tlsf' });
      const foreign = other.allocate(40); // a real pointer, of another pool with another layout
      const bad: [string, unknown, string | string[]][] = [
        ['interior', live[0] + 8, 'INVALID_POINTER'],
        ['interior, unaligned', live[0] + 3, 'INVALID_POINTER'],
        ['out of range', heap.poolSize + 8, 'INVALID_POINTER'],
        ['negative', -8, 'INVALID_POINTER'],
        ['in the header', 8, 'INVALID_POINTER'],
        ['non-integer', 1.5, 'INVALID_POINTER'],
        ['NaN', NaN, 'INVALID_POINTER'],
        ['a string', '64', 'INVALID_POINTER'],
        ['foreign', foreign, ['INVALID_POINTER', 'DOUBLE_FREE']],
        ['freed', freedAlone, 'DOUBLE_FREE'],
        ['freed and merged', freedMerged, 'DOUBLE_FREE'],
      ];
      for (const [what, ptr, code] of bad) {
        t.log(what);
        expectUntouched(t, heap, code, () => heap.free(ptr as number));
        expectUntouched(t, heap, code, () => heap.reallocate(ptr as number, 10));
        expectUntouched(t, heap, code, () => heap.usableSize(ptr as number));
        expectUntouched(t, heap, code, () => heap.bytes(ptr as number));
      }
      heap.check();
    });

    test(`${name}: random offsets are refused`, (t) => {
      const { heap, live } = busyPool(strategy, debug);
      // Fill the payloads with random words: a forged header must still fail the check word.
      const words = new Int32Array(heap.buffer);
      for (const p of live) for (let i = p >> 2; i < (p + heap.usableSize(p)) >> 2; i++) words[i] = (Math.random() * 2 ** 32) | 0;
      const before = new Uint8Array(heap.buffer).slice();
      const valid = new Set(live);
      let refused = 0;
      for (let i = 0; i < 20000; i++) {
        const r = i < 10000 ? (Math.random() * 2 ** 32) | 0 : Math.floor((Math.random() * heap.poolSize) / 8) * 8;
        if (r === 0 || valid.has(r)) continue; // free(0) is a no-op, as in C
        try {
          heap.free(r);
        } catch (e) {
          if (e instanceof AllocatorError && (e.code === 'INVALID_POINTER' || e.code === 'DOUBLE_FREE')) refused++;
          continue;
        }
        t.fail(`free(${r}) was accepted`);
      }
      t.true(refused > 19000);
      t.deepEqual(new Uint8Array(heap.buffer), before);
    });

    test(`${name}: bad sizes and alignments are refused and leave the pool as it was`, (t) => {
      const { heap, live } = busyPool(strategy, debug);
      for (const size of [-1, NaN, 1.5, Infinity, '10', null, undefined, heap.poolSize + 1, 2 ** 40]) {
        expectUntouched(t, heap, 'INVALID_SIZE', () => heap.allocate(size as number));
        expectUntouched(t, heap, 'INVALID_SIZE', () => heap.reallocate(live[0], size as number));
        expectUntouched(t, heap, 'INVALID_SIZE', () => heap.allocateZeroed(1, size as number));
        expectUntouched(t, heap, 'INVALID_SIZE', () => heap.allocateZeroed(size as number, 1));
      }
      // calloc: an overflowing count x size is an error, never a small block.
      expectUntouched(t, heap, 'INVALID_SIZE', () => heap.allocateZeroed(2 ** 31, 2 ** 31));
      expectUntouched(t, heap, 'INVALID_SIZE', () => heap.allocateZeroed(65536, 65536));
      expectUntouched(t, heap, 'INVALID_SIZE', () => heap.allocateZeroed(3, Math.ceil(heap.poolSize / 2)));
      for (const align of [0, 3, 12, -8, 1.5, 2 ** 25, 'x']) {
        expectUntouched(t, heap, 'INVALID_ALIGNMENT', () => heap.allocate(8, align as number));
      }
    });
  }
}

test('out of memory is not an error: allocate returns 0 and the stats count it', (t) => {
  for (const strategy of STRATEGIES) {
    const heap = createAllocator({ poolSize: 4096, strategy });
    const p = heap.allocate(3000);
    t.not(heap.allocate(400), 0, 'a neighbour that stops p growing in place');
    t.not(p, 0);
    t.is(heap.allocate(3000), 0);
    t.is(heap.allocateZeroed(100, 30), 0);
    heap.bytes(p).fill(0x5a);
    const blocks = [...heap.blocks()];
    t.is(heap.reallocate(p, 3400), 0, 'a failed reallocate returns 0');
    t.deepEqual([...heap.blocks()], blocks, 'and leaves every block where it was');
    t.true(heap.bytes(p).every((x) => x === 0x5a), 'and the old contents as they were');
    t.is(heap.stats().failedAllocations, 3);
    heap.check();
  }
});

test('bad options are INVALID_OPTIONS with the reason', (t) => {
  const cases: [unknown, RegExp][] = [
    [{ poolSize: -1 }, /poolSize must be at least/],
    [{ poolSize: 1.5 }, /poolSize must be an integer/],
    [{ poolSize: '4096' }, /poolSize must be an integer/],
    [{ poolSize: 2 ** 32 }, /over the limit/],
    [{ poolSize: 64, strategy: 'tlsf' }, /at least/],
    [{ strategy: 'fastest' }, /strategy must be one of/],
    [{ poolSize: 2 ** 31 - 8, strategy: 'fastest' }, /strategy must be one of/], // refused before 2 GiB is reserved
    [{ lock: 'mutex' }, /lock must be one of/],
    [{ alignment: 12 }, /alignment must be a power of two/],
    [{ buffer: new Uint8Array(64) }, /buffer must be an ArrayBuffer/],
    [{ buffer: new ArrayBuffer(4096), attach: true }, /holds no mcalloc pool/],
    [{ attach: true }, /attach needs the buffer/],
    [{ trace: 'yes' }, /trace must be a function/],
    [{ interrupts: {} }, /interrupts must have/],
    [null, /options must be an object/],
  ];
  for (const [options, reason] of cases) {
    const err = t.throws(() => createAllocator(options as never), { instanceOf: AllocatorError });
    t.is(err!.code, 'INVALID_OPTIONS');
    t.regex(err!.message, reason);
  }
});

test('destroy: every later call throws DESTROYED', (t) => {
  const heap = createAllocator({ poolSize: 4096 });
  const p = heap.allocate(10);
  heap.destroy();
  const calls: (() => unknown)[] = [
    () => heap.allocate(1), () => heap.allocateZeroed(1, 1), () => heap.reallocate(p, 2), () => heap.free(p),
    () => heap.usableSize(p), () => heap.bytes(p), () => heap.stats(), () => heap.check(), () => [...heap.blocks()],
    () => heap.reset(), () => heap.destroy(),
  ];
  for (const call of calls) t.is(t.throws(call, { instanceOf: AllocatorError })!.code, 'DESTROYED');
});

/** createAllocator(options) must throw INVALID_OPTIONS matching `reason` and leave `buffer` (if any) byte for byte. */
function refusedOptions(t: import('ava').ExecutionContext, options: unknown, reason: RegExp, buffer?: ArrayBuffer | SharedArrayBuffer) {
  const before = buffer ? Buffer.from(buffer.slice(0)) : null;
  const err = t.throws(() => createAllocator(options as never), { instanceOf: AllocatorError });
  t.is(err!.code, 'INVALID_OPTIONS', err!.message);
  t.regex(err!.message, reason);
  if (buffer) t.true(Buffer.from(buffer).equals(before!), 'the buffer changed');
}

test('buffer with a different poolSize is refused, naming both; the same size is accepted', (t) => {
  const buffer = new ArrayBuffer(4096);
  new Uint8Array(buffer).fill(0x5a);
  refusedOptions(t, { buffer, poolSize: 8192 }, /poolSize 8192.*buffer.*4096/, buffer);
  refusedOptions(t, { buffer, poolSize: 2048 }, /poolSize 2048.*buffer.*4096/, buffer);
  t.is(createAllocator({ buffer, poolSize: 4096 }).poolSize, 4096);
  // The usable size is the byte length rounded down to 8.
  t.is(createAllocator({ buffer: new ArrayBuffer(4100), poolSize: 4096 }).poolSize, 4096);
  refusedOptions(t, { buffer: new ArrayBuffer(4100), poolSize: 4100 }, /poolSize 4100.*buffer.*4096/);
  // The facade's build-time default size does not count as a poolSize given with the buffer.
  const heap = initAllocator({ buffer: new ArrayBuffer(2048) });
  t.is(heap.poolSize, 2048);
  heap.destroy();
});

test('a default alignment that leaves no room in the heap is refused; up to a quarter of the heap allocates', (t) => {
  refusedOptions(t, { alignment: 2 ** 24 }, /alignment 16777216 .*at most a quarter of the heap/);
  const buffer = new ArrayBuffer(8192);
  refusedOptions(t, { buffer, alignment: 4096 }, /alignment 4096 .*at most a quarter of the heap/, buffer);
  for (const strategy of STRATEGIES) {
    refusedOptions(t, { poolSize: 8192, strategy, alignment: 4096 }, /alignment 4096/);
    const heap = createAllocator({ poolSize: 8192, strategy, alignment: 1024 });
    const p = heap.allocate(8);
    t.not(p, 0, `${strategy}: allocate(8) with alignment 1024`);
    t.is(p % 1024, 0);
    heap.check();
  }
});

test('an option whose getter or Proxy trap throws is INVALID_OPTIONS naming it; each option is read once', (t) => {
  class Boom extends Error {}
  const getter = Object.defineProperty({ poolSize: 4096 }, 'strategy', { enumerable: true, get() { throw new Boom('no strategy today'); } });
  refusedOptions(t, getter, /reading option strategy threw: no strategy today/);
  const getTrap = new Proxy({ poolSize: 4096, lock: 'none' }, { get(target, key) { if (key === 'lock') throw new Boom('trap'); return Reflect.get(target, key); } });
  refusedOptions(t, getTrap, /reading option lock threw: trap/);
  const keysTrap = new Proxy({ poolSize: 4096 }, { ownKeys() { throw new Boom('no keys'); } });
  refusedOptions(t, keysTrap, /reading the option names threw: no keys/);
  // A thrown non-Error, and one whose String() throws too.
  refusedOptions(t, Object.defineProperty({}, 'debug', { enumerable: true, get() { throw 42; } }), /reading option debug threw: 42/);
  const nasty = { toString() { throw new Error('again'); } };
  refusedOptions(t, Object.defineProperty({}, 'buffer', { enumerable: true, get() { throw nasty; } }), /reading option buffer threw/);
  // The facade too.
  refusedOptions(t, getter, /reading option strategy threw/);
  t.is(t.throws(() => initAllocator(getter as never), { instanceOf: AllocatorError })!.code, 'INVALID_OPTIONS');
  // Each option is read exactly once: a getter that answers differently the second time changes nothing.
  const reads = new Map<PropertyKey, number>();
  let n = 0;
  const counting = new Proxy({ poolSize: 4096, strategy: 'first-fit', alignment: 8 }, {
    get(target, key) {
      reads.set(key, (reads.get(key) ?? 0) + 1);
      if (key === 'poolSize') return n++ === 0 ? 4096 : 'not a size';
      return Reflect.get(target, key);
    },
  });
  const heap = createAllocator(counting as never);
  t.is(heap.poolSize, 4096);
  t.is(heap.strategy, 'first-fit');
  for (const [key, count] of reads) t.is(count, 1, `option ${String(key)} read ${count} times`);
});

test('bytes() names itself in its errors, not usableSize', (t) => {
  for (const strategy of STRATEGIES) {
    for (const debug of [false, true]) {
      const { heap, live, freedAlone } = busyPool(strategy, debug);
      const freed = t.throws(() => heap.bytes(freedAlone), { instanceOf: AllocatorError })!;
      t.is(freed.code, 'DOUBLE_FREE');
      t.regex(freed.message, /^DOUBLE_FREE: bytes: \d+ was already freed/);
      t.regex(t.throws(() => heap.bytes(live[0] + 8), { instanceOf: AllocatorError })!.message, /^INVALID_POINTER: bytes: /);
      t.regex(t.throws(() => heap.usableSize(freedAlone), { instanceOf: AllocatorError })!.message, /^DOUBLE_FREE: usableSize: /);
      t.is(heap.bytes(live[0]).length, heap.usableSize(live[0]));
    }
  }
});

test('attach refuses a lock other than the one the pool was made with, naming both; an omitted lock takes the pool\'s', (t) => {
  const made = (lock: 'none' | 'interrupt' | 'atomics') => createAllocator({ buffer: new SharedArrayBuffer(8192), lock });
  const atomics = made('atomics');
  atomics.allocate(100);
  refusedOptions(t, { buffer: atomics.buffer, attach: true, lock: 'none' }, /attach: the pool uses the atomics lock, not none/, atomics.buffer);
  refusedOptions(t, { buffer: atomics.buffer, attach: true, lock: 'interrupt' }, /the pool uses the atomics lock, not interrupt/, atomics.buffer);
  const none = made('none');
  refusedOptions(t, { buffer: none.buffer, attach: true, lock: 'atomics' }, /the pool uses the none lock, not atomics/, none.buffer);
  const interrupt = made('interrupt');
  refusedOptions(t, { buffer: interrupt.buffer, attach: true, lock: 'atomics' }, /the pool uses the interrupt lock, not atomics/, interrupt.buffer);
  // The same lock attaches; an omitted one is the pool's, as the strategy is; reset() keeps it recorded.
  t.is(createAllocator({ buffer: atomics.buffer, attach: true, lock: 'atomics' }).lock, 'atomics');
  t.is(createAllocator({ buffer: atomics.buffer, attach: true }).lock, 'atomics');
  t.is(createAllocator({ buffer: none.buffer, attach: true, lock: 'none' }).lock, 'none');
  atomics.reset();
  refusedOptions(t, { buffer: atomics.buffer, attach: true, lock: 'none' }, /the pool uses the atomics lock/, atomics.buffer);
  // A pool in an ArrayBuffer has one allocator: its TLSF path keeps the statistics out of the header
  // between calls, which an attached allocator would miss.
  const plain = createAllocator({ buffer: new ArrayBuffer(8192) });
  plain.allocate(100);
  refusedOptions(t, { buffer: plain.buffer, attach: true }, /attach .*needs the pool in a SharedArrayBuffer/, plain.buffer);
  // A pool formatted before the lock was recorded (bits 24-25 of the config word clear) attaches as before.
  const old = new Int32Array(none.buffer);
  old[3] &= 0xffffff;
  t.is(createAllocator({ buffer: none.buffer, attach: true, lock: 'atomics' }).lock, 'atomics');
});
