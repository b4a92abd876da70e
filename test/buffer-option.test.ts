/**
 * The `buffer` option takes an ArrayBuffer, a SharedArrayBuffer or (on a device) a host buffer, which
 * a typed array views in place. Anything else is INVALID_OPTIONS at once: an array-like is never
 * copied (a `length` of 2^31 would reserve 2 GiB first). The atomics lock takes only a
 * SharedArrayBuffer (test/pool-lifetime).
 */
import test from 'ava';
import { createAllocator } from '../src/index.js';
import { errorCode } from './helpers/error-code.js';

test('objects that only look like buffers are refused, and none is copied', (t) => {
  const huge = { length: 2 ** 31, byteLength: 2 ** 31 };
  for (const buffer of [{}, { byteLength: 4096 }, huge, [1, 2, 3], new Uint8Array(4096), new Proxy(new ArrayBuffer(4096), {})]) {
    t.is(errorCode(() => createAllocator({ buffer: buffer as ArrayBuffer })), 'INVALID_OPTIONS', Object.prototype.toString.call(buffer));
  }
});

test('an ArrayBuffer and a SharedArrayBuffer are pools, viewed in place', (t) => {
  for (const [buffer, lock] of [[new ArrayBuffer(4096), 'none'], [new SharedArrayBuffer(4096), 'none'], [new SharedArrayBuffer(4096), 'atomics']] as const) {
    const heap = createAllocator({ buffer, lock });
    t.is(heap.buffer, buffer);
    heap.free(heap.allocate(100));
    heap.check();
  }
});
