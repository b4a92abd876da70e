/**
 * xsl freezes what it preloads, the allocator's class included, and in a frozen prototype's shadow an
 * instance property cannot be assigned (the "override mistake": TypeError "not writable" in XS). The
 * fast path installs its closures as instance properties: with the class frozen, as on a device, they
 * are methods of the class now, so nothing is assigned per allocator; the class frozen as on a device
 * must still make working allocators of every kind. (A file of its own: it freezes the classes of the
 * worker's module.)
 */
import test from 'ava';
import { AllocatorError, createAllocator } from '../src/index.js';

test('with the classes frozen, as xsl preloads them, allocators of every kind work and are destroyed', (t) => {
  const kinds = [{}, { lock: 'interrupt' as const }, { debug: true }, { strategy: 'first-fit' as const }];
  for (const kind of kinds) {
    for (let proto = Object.getPrototypeOf(createAllocator({ poolSize: 4096, ...kind })) as object | null; proto !== Object.prototype && proto !== null; proto = Object.getPrototypeOf(proto) as object | null) Object.freeze(proto);
  }
  for (const kind of kinds) {
    const h = createAllocator({ poolSize: 4096, ...kind });
    t.true(Object.isFrozen(Object.getPrototypeOf(h)));
    const p = h.allocate(100);
    t.not(p, 0);
    t.is(h.reallocate(p, 50), p);
    h.free(p);
    h.check();
    h.destroy();
    t.throws(() => h.allocate(8), { instanceOf: AllocatorError, message: /DESTROYED/ });
  }
});
