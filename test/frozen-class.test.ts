/**
 * xsl freezes what it preloads, the allocator's class included, and in a frozen prototype's shadow an
 * instance property cannot be assigned (the "override mistake": TypeError "not writable" in XS). The
 * fast path installs its closures as instance properties: with the class frozen, as on a device, they
 * must still be installed, work, and go away on destroy(). (A file of its own: it freezes the class of
 * the worker's module.)
 */
import test from 'ava';
import { AllocatorError, createAllocator } from '../src/index.js';

test('with the class frozen, as xsl preloads it, the fast path is installed, works and goes on destroy()', (t) => {
  const first = createAllocator({ poolSize: 4096 });
  const proto = Object.getPrototypeOf(first) as object;
  Object.freeze(proto);
  t.true(Object.isFrozen(proto));
  const h = createAllocator({ poolSize: 4096 });
  t.true(Object.prototype.hasOwnProperty.call(h, 'allocate'), 'the fast path is an own property');
  const p = h.allocate(100);
  t.not(p, 0);
  t.is(h.reallocate(p, 50), p);
  h.free(p);
  h.check();
  h.destroy();
  t.false(Object.prototype.hasOwnProperty.call(h, 'allocate'));
  t.throws(() => h.allocate(8), { instanceOf: AllocatorError, message: /DESTROYED/ });
});
