/**
 * The benchmark harness that runs inside the measured engine: the same file is imported by Node and
 * loaded into XS (as the script global `bench`, see xs.ts), so both engines replay with the same loop
 * and the same adapters. Plain ES2018 JavaScript for that reason; types in harness.d.mts.
 *
 * An adapter gives every contender the same three calls; each returns a pointer (a number, 0 = out of
 * memory) or, for native allocation, the buffer object itself. The no-op adapter measures the harness.
 */

/**
 * Replays a compiled program (program.ts: op, slot, size triples). Returns -1 when every operation
 * succeeded, else the index of the first that ran out of memory (the replay stops there). A request of 0
 * bytes may return 0 without counting as a failure (malloc(0) may return NULL).
 */
export function replay(A, code, ptrs) {
  for (let i = 0; i < code.length; i += 3) {
    const op = code[i];
    const slot = code[i + 1];
    if (op === 0) {
      const p = A.alloc(code[i + 2]);
      if (p === 0 && code[i + 2] !== 0) return i / 3;
      ptrs[slot] = p;
    } else if (op === 1) {
      A.free(ptrs[slot]);
      ptrs[slot] = 0;
    } else {
      const p = A.realloc(ptrs[slot], code[i + 2]);
      if (p === 0 && code[i + 2] !== 0) return i / 3;
      ptrs[slot] = p;
    }
  }
  return -1;
}

export function mcallocAdapter(heap) {
  return {
    alloc: (n) => heap.allocate(n),
    free: (p) => heap.free(p),
    realloc: (p, n) => heap.reallocate(p, n),
    reset: () => heap.reset(),
  };
}

/**
 * @thi.ng/malloc's MemPool. Its realloc() is used whenever it resizes in place; when the block must
 * move, MemPool 6.1.x calls free() with the block address instead of the data address, which finds
 * nothing, so the old block leaks for good. There the adapter does what a careful user must: malloc,
 * copy, free (the same work mcalloc does when it moves a block).
 */
export function thingAdapter(MemPool, size, compact) {
  const pool = new MemPool({ size, align: 8, compact, split: true });
  const ALIGN = 8;
  const HEADER = 8;
  return {
    alloc: (n) => pool.malloc(n),
    free: (p) => {
      pool.free(p);
    },
    realloc: (p, n) => {
      if (p === 0) return pool.malloc(n);
      const block = p - HEADER;
      const blockSize = pool.u32[block >> 2];
      const padded = (n + HEADER + ALIGN - 1) & -ALIGN;
      if (padded <= blockSize || (block + blockSize >= pool.top && block + padded < pool.end)) return pool.realloc(p, n);
      const q = pool.malloc(n);
      if (q === 0) return 0;
      pool.u8.copyWithin(q, p, p + Math.min(blockSize - HEADER, n));
      pool.free(p);
      return q;
    },
    reset: () => pool.freeAll(),
  };
}

/** Garbage-collected buffers: `make(n)` is `new Uint8Array(n)` in Node, `new ArrayBuffer(n)` in XS. */
export function nativeAdapter(make, copy) {
  return {
    alloc: (n) => make(n),
    free: () => {},
    realloc: (p, n) => copy(p, make(n)),
    reset: () => {},
  };
}

export function noopAdapter() {
  return {
    alloc: () => 8,
    free: () => {},
    realloc: (p) => p,
    reset: () => {},
  };
}

/**
 * Scaling setup: leaves `n` free blocks in the pool that cannot merge, each hole followed by a small used
 * separator, and the rest of the pool free at the end. Holes are freed from the highest address down, so
 * the setup itself stays linear for the address-ordered lists. Returns the separators (kept alive).
 */
export function makeHoles(A, n, holeSizes) {
  const holes = [];
  const separators = [];
  for (let i = 0; i < n; i++) {
    holes.push(A.alloc(holeSizes[i % holeSizes.length]));
    separators.push(A.alloc(8));
  }
  for (let i = n - 1; i >= 0; i--) A.free(holes[i]);
  return separators;
}

/** `count` allocate+free pairs cycling through `sizes`; returns how many allocations failed. */
export function pairs(A, count, sizes) {
  let failed = 0;
  for (let i = 0; i < count; i++) {
    const p = A.alloc(sizes[i % sizes.length]);
    if (p === 0) failed++;
    else A.free(p);
  }
  return failed;
}
