/**
 * The allocator of every release TLSF pool that traces nothing, whatever its lock: allocate, free and
 * reallocate as methods, so that a call is one method call with no layers (a locked pool adds the
 * lock and one call to the path). XS is an interpreter whose meter counts about one unit per byte
 * code (a call 20-35, a property read 3, a typed-array access 6-10), so these methods take the TLSF
 * search, relinking in place and the top straight from the bucket functions of strategies/tlsf.ts and
 * the checks of guard.ts, which are marked @inline: the device build expands them here
 * (build/inline.mjs), so each formula is written once and the bundle makes no call for them. The
 * common list updates (a split, free's merges, reallocate's growth in place) are expanded; the rarer
 * ones of free and reallocate cost one call (bucketMove).
 * The rare shapes call core.ts, whose helpers work through the free structure: an aligned request
 * (alignBlock) and growth into a free previous block (growBack). Debug and traced pools take
 * core-allocator.ts. The checks:
 *
 *   allocate: the block found is 8-aligned, inside the heap, sized >= the need with a matching footer;
 *             its bucket neighbours link back to it (safe unlinking) before it leaves the bucket.
 *   free:     the pointer is in range, aligned, USED, with its salted check word; the next block is a
 *             used block with its check word (or the end) or a sound free block; a free previous block
 *             ends exactly here. All before the first write.
 *
 * Methods of a class, not closures: a preloaded module's class stays in flash, while a function made at
 * run time gets its bytecode copied into RAM for every allocator (XS_CODE_CODE in xsRun.c). The
 * statistics and the salt live in the pool header, where stats(), check() and an attached allocator
 * read them.
 */
import { BUILD_LOCK, BUILD_MESSAGES } from './build.js';
import { PoolAllocator, isShared, type Settings } from './allocator.js';
import type { AllocatorStats } from './types.js';
import { alignBlock, growBack, usableBytes } from './core.js';
import { noLock } from './locks/none.js';
import { refusePointer, validatePointer } from './diagnostics.js';
import { ALLOCATE, FREE, NUMBER, REALLOCATE, checkAlignment, checkSize, destroyedError, detachedError } from './errors.js';
import { corrupted, isFreeBlock, isPrevFree, isSoundNext, isUsedBlock } from './guard.js';
import {
  FLAG_MASK, H_ALLOCS, H_FAILED, H_FL_BITMAP, H_FREES, H_PEAK_USED, H_ROOTS, H_SALT, H_TOP, H_USED_BYTES, MIN_BLOCK,
  OVERHEAD, PREV_FREE, USED, checkWordOf, markFree, type Pool,
} from './pool.js';
import { preempt } from './preempt.js';
import {
  FALLBACK_SCAN, HIGH_END_MAX, ROW, SL_COUNT, SL_LOG2, SMALL, SMALL_LOG2, TOP_HIGH_END_MAX, bucketFloor, bucketInsert, bucketMove, bucketRemove,
  bucketUnlink, clz32, flOf, relink, slOf,
} from './strategies/tlsf.js';

/**
 * Whether other allocators may share the pool: one in a SharedArrayBuffer, which other Workers attach
 * to (settle() refuses `attach` elsewhere), in a build that can attach (atomics, or the Node library,
 * which decides per pool). Then the header holds the statistics between calls: each call reads them
 * in and writes them back under the lock. @inline
 */
function sharedPool(a: TlsfAllocator): boolean {
  return BUILD_LOCK === 'atomics' || (BUILD_LOCK === '' && a.shared);
}

export class TlsfAllocator extends PoolAllocator {
  /**
   * The salt and the statistics, kept here while the methods below run (a property costs a third of a
   * pool word in XS) and written to the header whenever anything else reads them: stats(), check(),
   * destroy(). A pool that other allocators share (sharedPool) reads them in and writes them back
   * around every call, under its lock.
   */
  k = 0;
  allocs = 0;
  frees = 0;
  used = 0;
  peak = 0;

  /** The pool is in a SharedArrayBuffer: set and read in the Node library only (sharedPool), no slot on a device. */
  declare readonly shared: boolean;

  constructor(c: Settings) {
    super(c);
    if (BUILD_LOCK === '') this.shared = isShared(c.m.buffer);
    this.reload();
  }

  /** Writes the statistics to the pool header. */
  flush(): void {
    const m = this.P!.m;
    m[H_ALLOCS] = this.allocs;
    m[H_FREES] = this.frees;
    m[H_USED_BYTES] = this.used;
    m[H_PEAK_USED] = this.peak;
  }

  /** Reads the salt and the statistics back from the header (after format, or another allocator's call). */
  reload(): void {
    const m = this.P!.m;
    this.k = m[H_SALT];
    this.allocs = m[H_ALLOCS];
    this.frees = m[H_FREES];
    this.used = m[H_USED_BYTES];
    this.peak = m[H_PEAK_USED];
  }

  /** A pointer free() or reallocate() refuses: validatePointer's error for it (DOUBLE_FREE needs the count of frees). */
  refuse(ptr: unknown, call: number): never {
    return refusePointer(this.P!, ptr, call, this.frees);
  }

  /**
   * The bytes an allocation of the pool's alignment, or of `alignment` when larger, asks beyond its
   * block: room to give back a leading free block (alignBlock). 0 for an alignment of 8.
   */
  slack(alignment: number | undefined): number {
    const align = alignment !== undefined && alignment > this.alignment ? alignment : this.alignment;
    return align > 8 ? align + MIN_BLOCK : 0;
  }

  /** A request larger than the heap: counted, under the lock (another allocator of the pool may count too). */
  private failed(): number {
    const token = this.L.enter();
    try {
      this.P!.m[H_FAILED]++;
    } finally {
      this.L.leave(token);
    }
    return 0;
  }

  protected usable(ptr: number, call: number): number {
    const P = this.P;
    if (P === null) return destroyedError();
    if (P.m.length === 0) return detachedError();
    if (BUILD_LOCK === 'none' || (this.L === noLock && !sharedPool(this))) return usableBytes(P, validatePointer(P, ptr, call, this.frees));
    // Under the lock, as every call of a locked pool: the base class's, which reads the header's statistics.
    if (!sharedPool(this)) this.flush();
    return super.usable(ptr, call);
  }

  stats(): AllocatorStats {
    if (this.P !== null && !sharedPool(this)) this.flush();
    return super.stats();
  }

  check(): void {
    if (this.P !== null && !sharedPool(this)) this.flush();
    super.check();
  }

  reset(): void {
    super.reset();
    this.reload();
  }

  destroy(): void {
    if (this.P !== null && !sharedPool(this)) this.flush();
    super.destroy();
  }

  allocate(size: number, alignment?: number): number {
    const P = this.P;
    if (P === null) return destroyedError();
    const m = P.m;
    if (m.length === 0) return detachedError();
    const start = P.start;
    const end = P.end;
    // (size >>> 0) === size: an integer, not negative (typeof first: `>>>` throws on a BigInt); checkSize says why not.
    if (typeof size !== NUMBER || (size >>> 0) !== size || size > end - start) {
      // A bad argument throws; a size the heap cannot hold fails here, before the rounding below could wrap.
      checkSize(size, this.poolSize, ALLOCATE);
      if (alignment !== undefined) checkAlignment(alignment, ALLOCATE);
      return this.failed();
    }
    let extra = 0;
    // A bad alignment is refused before anything is written.
    if (alignment !== undefined) extra = this.slack(checkAlignment(alignment, ALLOCATE));
    // A bundle built with lock `none` keeps this line only (no enter/leave, no try/finally: XS meters
    // both); any other build takes the lock, then the path: one expansion of the path either way.
    if (BUILD_LOCK === 'none') return tlsfAllocate(this, P, m, size, extra, start, end);
    // The Node library's pools with no lock that nobody shares (the tuner's and the bench's replays):
    // the path without the lock's calls and try/finally. Device bundles fold the test away.
    if (BUILD_LOCK === '' && this.L === noLock && !this.shared) return this.path(ALLOCATE, extra, size);
    return this.underLock(ALLOCATE, extra, size);
  }

  free(ptr: number): void {
    const P = this.P;
    if (P === null) return destroyedError();
    const m = P.m;
    if (m.length === 0) return detachedError();
    if (ptr === 0) return;
    if (BUILD_LOCK === 'none') return tlsfFree(this, P, m, ptr);
    if (BUILD_LOCK === '' && this.L === noLock && !this.shared) this.path(FREE, ptr, 0);
    else this.underLock(FREE, ptr, 0);
  }

  reallocate(ptr: number, size: number): number {
    const P = this.P;
    if (P === null) return destroyedError();
    const m = P.m;
    if (m.length === 0) return detachedError();
    if (typeof size !== NUMBER || (size >>> 0) !== size || size > P.end - P.start) checkSize(size, this.poolSize, REALLOCATE);
    if (ptr === 0) return this.allocate(size);
    if (BUILD_LOCK === 'none') return tlsfReallocate(this, P, m, ptr, size);
    if (BUILD_LOCK === '' && this.L === noLock && !this.shared) return this.path(REALLOCATE, ptr, size);
    return this.underLock(REALLOCATE, ptr, size);
  }

  /**
   * allocate (`ptr`: its slack), free or reallocate (`call`) of a pool with a lock, its arguments
   * checked: the path under the lock, the statistics of a shared pool read in and written back. A
   * bundle with the interrupt lock runs the path here, one call less under the mask; any other calls
   * path(), which a move can call again without the lock (the atomics lock cannot be taken twice).
   */
  private underLock(call: number, ptr: number, size: number): number {
    // Never called in a build with lock `none`: this empties the method there.
    if (BUILD_LOCK === 'none') return 0;
    const token = this.L.enter();
    try {
      if (sharedPool(this)) this.reload();
      if (BUILD_LOCK === 'interrupt') return runPath(this, this.P!, call, ptr, size);
      return this.path(call, ptr, size);
    } finally {
      if (sharedPool(this)) this.flush();
      this.L.leave(token);
    }
  }

  /**
   * The path without the lock (the caller holds it, or the pool has none): one method holding one
   * expansion of each, which a move (reallocate) calls again for its allocate and free without taking
   * the lock twice. Builds with lock `none` expand the paths in the public methods instead, builds with
   * the interrupt lock in underLock().
   */
  path(call: number, ptr: number, size: number): number {
    if (BUILD_LOCK === 'none' || BUILD_LOCK === 'interrupt') return 0;
    return runPath(this, this.P!, call, ptr, size);
  }
}

/** allocate (`ptr`: its slack), free or reallocate, as `call` says: the one expansion of each path. @inline */
function runPath(a: TlsfAllocator, P: Pool, call: number, ptr: number, size: number): number {
  const m = P.m;
  if (call === ALLOCATE) return tlsfAllocate(a, P, m, size, ptr, P.start, P.end);
  if (call === REALLOCATE) return tlsfReallocate(a, P, m, ptr, size);
  tlsfFree(a, P, m, ptr);
  return 0;
}

/**
 * A TLSF pool whose own alignment is above 8: every allocate() is an aligned one. A class of its own
 * so that the pools of alignment 8 pay nothing for it.
 */
export class WideTlsfAllocator extends TlsfAllocator {
  allocate(size: number, alignment?: number): number {
    return super.allocate(size, alignment === undefined ? this.alignment : alignment);
  }
}

/**
 * allocate() of a TLSF pool once its arguments are checked, under its lock if it has one: the search,
 * the split, the statistics. An aligned request (`extra`: its slack) takes a block that much larger,
 * then gives back a leading free block and the tail (alignBlock). @inline
 */
function tlsfAllocate(a: TlsfAllocator, P: Pool, m: Int32Array, size: number, extra: number, start: number, end: number): number {
  let need = size < MIN_BLOCK - OVERHEAD ? MIN_BLOCK : (size + OVERHEAD + 7) & ~7;
  if (extra !== 0) {
    need += extra;
    // Beyond the heap the class below would name a row past the roots.
    if (need > end - start) {
      m[H_FAILED]++;
      return 0;
    }
  }
  const k = a.k;
  // The request's own class (fl, sl); `row` is its first-level row in the roots.
  let fl = flOf(need);
  let sl = slOf(need, fl);
  let row = H_ROOTS + fl * ROW;
  let b = m[row + 1 + sl];
  // The size of the block handed out, and PREV_FREE when it is cut from a free block's high end.
  let got = 0;
  // Own bucket first (closer fits), at most FALLBACK_SCAN blocks; what is found is checked below.
  if (b !== 0 && m[(b >> 2) + 1] < need) {
    for (let i = 1; ; i++) {
      preempt();
      b = m[b >> 2] ^ k;
      if (b === 0 || !(m[(b >> 2) + 1] < need)) break;
      if (i === FALLBACK_SCAN - 1) {
        b = 0;
        break;
      }
    }
  }
  bucket: {
    if (b === 0) {
      // From the next class up, every block fits; else the top (b stays 0).
      let slMap = m[row] & (-2 << sl);
      if (slMap === 0) {
        const flMap = m[H_FL_BITMAP] & (-2 << fl);
        if (flMap === 0) break bucket;
        fl = 31 - clz32(flMap & -flMap);
        row = H_ROOTS + fl * ROW;
        slMap = m[row];
        if (slMap === 0) corrupted(0, BUILD_MESSAGES && `TLSF first-level bitmap names class ${fl}, which is empty`);
      }
      sl = 31 - clz32(slMap & -slMap);
      // The top is the better fit when it lies in a lower class (with no top, this reads the version word).
      const ts = m[(m[H_TOP] >> 2) + 1];
      if (ts >= need && ts < bucketFloor(fl, sl)) break bucket;
      b = m[row + 1 + sl];
      if (b === 0) corrupted(0, BUILD_MESSAGES && `TLSF second-level bitmap of class ${fl} names an empty bucket`);
      // The smaller of the bucket's first two blocks (both fit; a bad link reads undefined and loses).
      const c = m[b >> 2] ^ k;
      if (c !== 0 && m[(c >> 2) + 1] < m[(b >> 2) + 1]) b = c;
    }
    preempt();
    const bsize = m[(b >> 2) + 1];
    if (!isFreeBlock(m, b, bsize, need, start, end)) corrupted(b, BUILD_MESSAGES && `the free structure offers a bad block (size word ${bsize}) for ${need} bytes`);
    const rest = bsize - need;
    if (need <= HIGH_END_MAX && rest >= MIN_BLOCK) {
      // A small block from the high end: b stays free, smaller, where it was (its place in the list
      // too while it stays in its bucket), and larger requests keep its low end.
      if (fl === 0 || rest < bucketFloor(fl, sl)) {
        bucketUnlink(m, k, b, fl, sl, row);
        bucketInsert(m, k, b, rest);
      }
      markFree(m, b, rest);
      m[((b + bsize) >> 2) + 1] &= ~PREV_FREE;
      b += rest;
      got = need | PREV_FREE;
      break bucket;
    }
    const r = b + need;
    // The rest keeps b's place in the list when it is no smaller than the bucket's lowest size (fl 0:
    // one size per bucket, so never); else b leaves its bucket and the rest goes to a lower one.
    if (fl !== 0 && rest >= bucketFloor(fl, sl)) {
      relink(m, k, b, r, row + 1 + sl);
    } else {
      bucketUnlink(m, k, b, fl, sl, row);
      if (rest >= MIN_BLOCK) bucketInsert(m, k, r, rest);
    }
    got = bsize;
    if (rest >= MIN_BLOCK) {
      markFree(m, r, rest);
      got = need;
    } else {
      m[((b + bsize) >> 2) + 1] &= ~PREV_FREE;
    }
  }
  if (b === 0) {
    // No bucket has a better fit: the top, or nothing. It must be a sound free block that ends the heap.
    b = m[H_TOP];
    const tsize = m[(b >> 2) + 1];
    if (b === 0 || tsize < need) {
      m[H_FAILED]++;
      return 0;
    }
    if (!(b >= start && ((b | tsize) & 7) === 0 && b + tsize === end && m[(end >> 2) - 1] === tsize)) {
      corrupted(b, BUILD_MESSAGES && `the TLSF top is not a free block that ends the heap (size word ${tsize})`);
    }
    preempt();
    const rest = tsize - need;
    got = tsize;
    if (rest < MIN_BLOCK) {
      m[H_TOP] = 0;
      m[(end >> 2) + 1] = USED;
    } else if (need <= TOP_HIGH_END_MAX) {
      // The smallest blocks from the top's far end, away from the larger ones its low end gives:
      // the rest no longer ends the heap, so it goes to a bucket.
      m[H_TOP] = 0;
      bucketInsert(m, k, b, rest);
      markFree(m, b, rest);
      m[(end >> 2) + 1] = USED;
      b += rest;
      got = need | PREV_FREE;
    } else {
      const r = b + need;
      m[H_TOP] = r;
      m[(r >> 2) + 1] = rest;
      m[(end >> 2) - 1] = rest;
      got = need;
    }
  }
  m[(b >> 2) + 1] = got | USED;
  m[b >> 2] = checkWordOf(b, k);
  if (extra !== 0) {
    b = alignBlock(P, b, need - extra, extra - MIN_BLOCK);
    got = m[(b >> 2) + 1];
  }
  a.allocs++;
  if ((a.used += got & ~FLAG_MASK) > a.peak) a.peak = a.used;
  return b + OVERHEAD;
}

/** free() of a TLSF pool, under its lock if it has one: the checks, the merge, the statistics. @inline */
function tlsfFree(a: TlsfAllocator, P: Pool, m: Int32Array, ptr: number): void {
  const start = P.start;
  const end = P.end;
  const k = a.k;
  const b = typeof ptr === NUMBER ? ptr - OVERHEAD : -1;
  const w = b >> 2;
  const h = m[w + 1];
  const own = h & ~FLAG_MASK;
  if (!isUsedBlock(m, k, ptr, b, h, own, start, end)) a.refuse(ptr, FREE);
  const n = b + own;
  const nh = m[(n >> 2) + 1];
  // Every check before the first write: the next block, and a free previous block.
  if (!isSoundNext(m, k, n, nh, end)) corrupted(n, BUILD_MESSAGES && 'the block after a block does not start where its size says');
  let f = b;
  let fsize = 0;
  if (h & PREV_FREE) {
    f = b - m[w - 1];
    fsize = m[(f >> 2) + 1];
    if (!isPrevFree(f, fsize, b, start)) corrupted(b, BUILD_MESSAGES && 'PREV_FREE is set, but no free block ends here');
  }
  // Clear USED first: should this header survive inside a merged block, it reads as freed (a tombstone).
  m[w + 1] = h & ~USED;
  preempt();
  let size = fsize + own;
  if (!(nh & USED)) size += nh;
  if (f + size === end) {
    // The block joins the top, or becomes it: a free next block here was the top.
    if (f !== b) bucketRemove(m, k, f, fsize);
    m[H_TOP] = f;
  } else if (f !== b) {
    // [ prev free ][ b ][ next free? ]: prev grows, and keeps its place in its list while it stays
    // below its bucket's upper bound (fl 0: one size per bucket, so never).
    if (!(nh & USED)) bucketRemove(m, k, n, nh);
    const sh = 31 - clz32(fsize) - SL_LOG2;
    if (fsize < SMALL || size >= ((fsize >>> sh) + 1) << sh) {
      // The common merge (a block freed after a free one): expanded, as a call costs XS more than the bytes.
      bucketRemove(m, k, f, fsize);
      bucketInsert(m, k, f, size);
    }
  } else if (!(nh & USED)) {
    // [ b ][ next free ]: b takes next's place in the list if the bucket stays the same.
    const sh = 31 - clz32(nh) - SL_LOG2;
    if (nh >= SMALL && size < ((nh >>> sh) + 1) << sh) relink(m, k, n, b, H_ROOTS + (sh + SL_LOG2 - SMALL_LOG2 + 1) * ROW + 1 + ((nh >>> sh) ^ SL_COUNT));
    else {
      bucketRemove(m, k, n, nh);
      bucketInsert(m, k, b, size);
    }
  } else {
    bucketInsert(m, k, b, size);
  }
  markFree(m, f, size);
  m[((f + size) >> 2) + 1] |= PREV_FREE;
  a.frees++;
  a.used -= own;
}

/**
 * reallocate() of a TLSF pool for a pointer that is not 0, under its lock if it has one: in place, or
 * moved (allocate, copy, free). @inline
 */
function tlsfReallocate(a: TlsfAllocator, P: Pool, m: Int32Array, ptr: number, size: number): number {
  const start = P.start;
  const end = P.end;
  const k = a.k;
  const b = typeof ptr === NUMBER ? ptr - OVERHEAD : -1;
  const h = m[(b >> 2) + 1];
  const own = h & ~FLAG_MASK;
  if (!isUsedBlock(m, k, ptr, b, h, own, start, end)) a.refuse(ptr, REALLOCATE);
  const w = b >> 2;
  if (size > end - start) {
    m[H_FAILED]++;
    return 0;
  }
  const need = size < MIN_BLOCK - OVERHEAD ? MIN_BLOCK : (size + OVERHEAD + 7) & ~7;
  if (need === own) return ptr;
  const n = b + own;
  const nh = m[(n >> 2) + 1];
  if (!isSoundNext(m, k, n, nh, end)) corrupted(n, BUILD_MESSAGES && 'the block after a block does not start where its size says');
  const nsize = nh & USED ? 0 : nh;
  const rest = own + nsize - need;
  if (rest < 0) {
    if (h & PREV_FREE) {
      // Growing backwards into a free previous block: core.ts, through the free structure.
      const f = growBack(P, b, need, a.alignment);
      if (f !== 0) {
        if ((a.used += (m[(f >> 2) + 1] & ~FLAG_MASK) - own) > a.peak) a.peak = a.used;
        return f + OVERHEAD;
      }
    }
    // A move: allocate, copy the whole payload (the request is larger), free. A locked pool is under
    // its lock here. The interrupt lock nests (enter() returns the mask's state, leave() restores it),
    // so its builds call the public methods; any other lock takes path(), which does not lock again.
    const p = BUILD_LOCK === 'none' || BUILD_LOCK === 'interrupt' ? a.allocate(size) : a.path(ALLOCATE, a.slack(undefined), size);
    if (p === 0) return 0;
    m.copyWithin(p >> 2, ptr >> 2, n >> 2);
    if (BUILD_LOCK === 'none' || BUILD_LOCK === 'interrupt') a.free(ptr);
    else a.path(FREE, ptr, 0);
    // A move is neither an allocation nor a free.
    a.allocs--;
    a.frees--;
    return p;
  }
  preempt();
  if (rest < MIN_BLOCK) {
    // Less than a block is left: a shrinking block keeps it, a growing one takes the whole next block.
    if (need < own) return ptr;
    if (n + nsize === end) m[H_TOP] = 0;
    else bucketMove(m, k, n, nsize, 0, 0);
    m[((n + nsize) >> 2) + 1] &= ~PREV_FREE;
    m[w + 1] = (own + nsize) | (h & FLAG_MASK);
  } else {
    // [ b: need ][ t: rest ], t free: the next block moved to t, or a new free block before a used one.
    const t = b + need;
    if (nsize === 0) m[(n >> 2) + 1] = nh | PREV_FREE;
    if (t + rest === end) m[H_TOP] = t;
    else if (nsize === 0) bucketMove(m, k, 0, 0, t, rest);
    else {
      // The next block, shrunk to t (growth in place, the common shape of reallocate): it keeps its
      // place in the list while it stays in its bucket, else moves to a lower one. Expanded: XS meters calls.
      const nfl = flOf(nsize);
      const nsl = slOf(nsize, nfl);
      const tfl = flOf(rest);
      if (tfl === nfl && slOf(rest, tfl) === nsl) {
        relink(m, k, n, t, H_ROOTS + nfl * ROW + 1 + nsl);
      } else {
        bucketUnlink(m, k, n, nfl, nsl, H_ROOTS + nfl * ROW);
        bucketInsert(m, k, t, rest);
      }
    }
    markFree(m, t, rest);
    m[w + 1] = need | (h & FLAG_MASK);
  }
  if ((a.used += (m[w + 1] & ~FLAG_MASK) - own) > a.peak) a.peak = a.used;
  return ptr;
}

/**
 * TlsfAllocator's allocate, free and reallocate over a Pool the caller made (host tools that count
 * the words a call touches through a counting view of the pool: sim/span-probe.ts, the O(1) test).
 * Its statistics are its own; the pool header's stay as they were.
 */
export function tlsfPathOver(P: Pool, poolSize: number): Pick<TlsfAllocator, 'allocate' | 'free' | 'reallocate'> {
  // No lock: the caller owns the pool for the duration.
  const path = Object.assign(Object.create(TlsfAllocator.prototype) as TlsfAllocator, { P, poolSize, L: noLock, alignment: 8, shared: false });
  const m = P.m;
  return Object.assign(path, { k: m[H_SALT], allocs: m[H_ALLOCS], frees: m[H_FREES], used: m[H_USED_BYTES], peak: m[H_PEAK_USED] });
}
