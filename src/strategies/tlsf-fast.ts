/**
 * The fast path: allocate, free and reallocate of a release TLSF pool (the device default), one
 * function each, as closures over the pool's words and bounds. XS is an interpreter whose meter
 * counts about one unit per byte code (a call 20-35, a property read 3, a typed-array access 6-10), so
 * each call is written out here once: the argument checks, the search, the checks of guard.ts, the
 * split or merge, relinking in place, the top, the statistics. A block that changes bucket costs one
 * call (bucketInsert, bucketRemove, bucketMove). The checks are those of the generic path (core.ts),
 * which list strategies, debug pools, aligned requests and backward growth use:
 *
 *   allocate: the block found is 8-aligned, inside the heap, sized >= the need with a matching footer;
 *             its bucket neighbours link back to it (safe unlinking) before it leaves the bucket.
 *   free:     the pointer is in range, aligned, USED, with its salted check word; the next block is a
 *             used block with its check word (or the end) or a sound free block; a free previous block
 *             ends exactly here. All before the first write.
 */
import { BUILD_DEBUG, BUILD_LOCK, BUILD_MESSAGES, BUILD_STRATEGY } from '../build.js';
import { allocateCore, reallocateCore } from '../core.js';
import { refusePointer } from '../diagnostics.js';
import { checkAlignment, checkSize, destroyedError } from '../errors.js';
import { corrupted } from '../guard.js';
import {
  CHECK_MIX, FLAG_MASK, H_ALLOCS, H_FAILED, H_FL_BITMAP, H_FREES, H_PEAK_USED, H_ROOTS, H_SALT, H_TOP, H_USED_BYTES, MIN_BLOCK,
  OVERHEAD, PREV_FREE, USED, type Pool,
} from '../pool.js';
import { preempt } from '../preempt.js';
import { FALLBACK_SCAN, ROW, SL_COUNT, SL_LOG2, SMALL, SMALL_LOG2, bucketInsert, bucketMove, bucketRemove, bucketReplace, checkLinks, relink, tlsf } from './tlsf.js';

/** allocate, free and reallocate with the public contract (allocator.ts), for a release TLSF pool. */
export interface FastPath {
  allocate(size: number, alignment?: number): number;
  free(ptr: number): void;
  reallocate(ptr: number, size: number): number;
  /** The statistics change: allocations, frees, used bytes (the peak follows). For core.ts. */
  count(allocs: number, frees: number, bytes: number): void;
  /** A statistics word of the header (H_ALLOCS, H_FREES, H_USED_BYTES, H_PEAK_USED) as it is now. */
  stat(word: number): number;
  /** Writes the statistics it keeps to the pool header (allocator.destroy()). */
  flush(): void;
  /** Reads them back from the header (after format). */
  reload(): void;
  /** From now on every call throws DESTROYED (allocator.destroy()). */
  destroy(): void;
}

/**
 * Gives a release TLSF pool its fast path (P.fast) and returns it; null for other pools. What it
 * does not handle itself it leaves to core.ts: an alignment argument, and a block that grows
 * backwards into a free previous block (with the default alignment of 8: pools with another take
 * the generic path).
 */
export function attachFastPath(P: Pool, poolSize: number, owned: boolean): FastPath | null {
  // Debug-only bundles leave the fast path out.
  if (BUILD_DEBUG === 1 || !(BUILD_STRATEGY === 'tlsf' || (BUILD_STRATEGY === '' && P.s === tlsf)) || (BUILD_DEBUG === 2 && P.debug)) return null;
  P.fast = fastPath(P, poolSize, owned);
  return P.fast;
}

/**
 * `owned`: no other allocator reaches the pool (lock `none`, not attached, not in a SharedArrayBuffer),
 * so the statistics and the salt can live in variables of the closures, which XS reads and writes for
 * a third of the cost of a pool word; stats() and check() read them through stat(), and destroy()
 * writes them back. Other pools keep both in the header, where a Worker sharing the pool sees them.
 * Device bundles decide by their lock at build time (a bundle with lock `none` cannot attach).
 */
function fastPath(P: Pool, poolSize: number, owned: boolean): FastPath {
  const keeps = BUILD_LOCK === 'none' || (BUILD_LOCK === '' && owned);
  let nAllocs = 0;
  let nFrees = 0;
  let nUsed = 0;
  let nPeak = 0;
  // The salt too: it changes only when this allocator formats the pool (reload() follows).
  let salt = 0;
  const m = P.m;
  const end = P.end;
  // Both change once, on destroy(), so that the tests the calls make anyway send them to the refusals
  // below: every pointer is out of range, every size too large.
  let start = P.start;
  let heap = end - start;
  /** The top's footer and the end sentinel's header. */
  const endFooter = (end >> 2) - 1;
  const endHeader = (end >> 2) + 1;
  // Math's functions as closure constants: one read instead of a global and a property lookup.
  const clz32 = Math.clz32;
  const imul = Math.imul;

  function allocate(size: number, alignment?: number): number {
    // (size >>> 0) === size: an integer, not negative (typeof first: `>>>` throws on a BigInt); checkSize says why not.
    if (typeof size !== 'number' || (size >>> 0) !== size || size > heap) {
      // A bad argument throws; a size the heap cannot hold fails here, before the rounding below could wrap.
      if (heap < 0) destroyedError();
      checkSize(size, poolSize, 'allocate');
      if (alignment !== undefined) checkAlignment(alignment, 'allocate');
      m[H_FAILED]++;
      return 0;
    }
    if (alignment !== undefined) return allocateCore(P, size, Math.max(checkAlignment(alignment, 'allocate'), 8));
    const need = size < MIN_BLOCK - OVERHEAD ? MIN_BLOCK : (size + OVERHEAD + 7) & ~7;
    const k = keeps ? salt : m[H_SALT];
    // The request's own class (fl, sl); `row` is its first-level row in the roots.
    let fl = 0;
    let sl = need >>> 3;
    if (need >= SMALL) {
      const t = 31 - clz32(need);
      fl = t - SMALL_LOG2 + 1;
      sl = (need >>> (t - SL_LOG2)) ^ SL_COUNT;
    }
    let row = H_ROOTS + fl * ROW;
    let b = m[row + 1 + sl];
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
        if (ts >= need && ts < (fl === 0 ? sl << 3 : (SL_COUNT + sl) << (fl + SMALL_LOG2 - SL_LOG2 - 1))) break bucket;
        b = m[row + 1 + sl];
        if (b === 0) corrupted(0, BUILD_MESSAGES && `TLSF second-level bitmap of class ${fl} names an empty bucket`);
      }
      preempt();
      const w = b >> 2;
      const bsize = m[w + 1];
      // freeSizeAt(), inline: written as what must hold, so that undefined fails every test.
      if (!(b >= start && ((b | bsize) & 7) === 0 && bsize >= need && bsize <= end - b && m[((b + bsize) >> 2) - 1] === bsize)) {
        corrupted(b, BUILD_MESSAGES && `the free structure offers a bad block (size word ${bsize}) for ${need} bytes`);
      }
      const head = row + 1 + sl;
      const next = m[w] ^ k;
      const prev = m[w + 2] ^ k;
      // Safe unlinking (checkLinks), inline.
      if ((next !== 0 && (m[(next >> 2) + 2] ^ k) !== b) || (prev !== 0 ? (m[prev >> 2] ^ k) !== b : m[head] !== b)) checkLinks(m, k, b, next, prev, head);
      const rest = bsize - need;
      const r = b + need;
      // The rest keeps b's place in the list when it is no smaller than the bucket's lowest size (fl 0:
      // one size per bucket, so never).
      if (fl !== 0 && rest >= (SL_COUNT + sl) << (fl + SMALL_LOG2 - SL_LOG2 - 1)) {
        m[r >> 2] = next ^ k;
        m[(r >> 2) + 2] = prev ^ k;
        if (next !== 0) m[(next >> 2) + 2] = r ^ k;
        if (prev !== 0) m[prev >> 2] = r ^ k;
        else m[head] = r;
      } else {
        if (next !== 0) m[(next >> 2) + 2] = prev ^ k;
        if (prev !== 0) m[prev >> 2] = next ^ k;
        else if ((m[head] = next) === 0 && (m[row] &= ~(1 << sl)) === 0) m[H_FL_BITMAP] &= ~(1 << fl);
        if (rest >= MIN_BLOCK) {
          // bucketInsert(m, k, r, rest), inline: the rest goes to a lower bucket.
          fl = 0;
          sl = rest >>> 3;
          if (rest >= SMALL) {
            const t = 31 - clz32(rest);
            fl = t - SMALL_LOG2 + 1;
            sl = (rest >>> (t - SL_LOG2)) ^ SL_COUNT;
          }
          row = H_ROOTS + fl * ROW;
          const first = m[row + 1 + sl];
          if (first !== 0) {
            if (m[(first >> 2) + 2] !== k) corrupted(first, BUILD_MESSAGES && `TLSF bucket head ${first} is not a free block`);
            m[(first >> 2) + 2] = r ^ k;
          } else {
            m[row] |= 1 << sl;
            m[H_FL_BITMAP] |= 1 << fl;
          }
          m[r >> 2] = first ^ k;
          m[(r >> 2) + 2] = k;
          m[row + 1 + sl] = r;
        }
      }
      got = bsize;
      if (rest >= MIN_BLOCK) {
        m[(r >> 2) + 1] = rest;
        m[((r + rest) >> 2) - 1] = rest;
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
      if (!(b >= start && ((b | tsize) & 7) === 0 && b + tsize === end && m[endFooter] === tsize)) {
        corrupted(b, BUILD_MESSAGES && `the TLSF top is not a free block that ends the heap (size word ${tsize})`);
      }
      preempt();
      const rest = tsize - need;
      got = tsize;
      if (rest >= MIN_BLOCK) {
        const r = b + need;
        m[H_TOP] = r;
        m[(r >> 2) + 1] = rest;
        m[endFooter] = rest;
        got = need;
      } else {
        m[H_TOP] = 0;
        m[endHeader] = USED;
      }
    }
    m[(b >> 2) + 1] = got | USED;
    m[b >> 2] = imul(b ^ k, CHECK_MIX) | 1; // checkWord(m, b)
    if (keeps) {
      nAllocs++;
      nUsed += got;
      if (nUsed > nPeak) nPeak = nUsed;
    } else {
      m[H_ALLOCS]++;
      got = m[H_USED_BYTES] += got;
      if (got > m[H_PEAK_USED]) m[H_PEAK_USED] = got;
    }
    return b + OVERHEAD;
  }

  function free(ptr: number): void {
    if (ptr === 0) return;
    // validatePointer(), inline: typeof first (`-` and `>>>` throw on a Symbol or a BigInt), then
    // range, integer, alignment, USED, the check word.
    if (typeof ptr !== 'number') refuse(ptr, 'free');
    const b = ptr - OVERHEAD;
    if (b < start || (ptr >>> 0) !== ptr || (b & 7) !== 0 || b >= end) refuse(ptr, 'free');
    const k = keeps ? salt : m[H_SALT];
    const w = b >> 2;
    const h = m[w + 1];
    const own = h & ~FLAG_MASK;
    if ((h & USED) === 0 || m[w] !== (imul(b ^ k, CHECK_MIX) | 1) || own < MIN_BLOCK || own > end - b) refuse(ptr, 'free');
    const n = b + own;
    const nh = m[(n >> 2) + 1];
    // nextHeader() and prevFree() of guard.ts, inline: every check before the first write.
    if (nh & USED ? m[n >> 2] !== (imul(n ^ k, CHECK_MIX) | 1) : (nh & FLAG_MASK) !== 0 || nh < MIN_BLOCK || nh > end - n || m[((n + nh) >> 2) - 1] !== nh) {
      corrupted(n, BUILD_MESSAGES && 'the block after a block does not start where its size says');
    }
    let f = b;
    let fsize = 0;
    if (h & PREV_FREE) {
      f = b - m[w - 1];
      fsize = m[(f >> 2) + 1];
      if (!(fsize === b - f && f >= start && (f & 7) === 0 && fsize >= MIN_BLOCK)) corrupted(b, BUILD_MESSAGES && 'PREV_FREE is set, but no free block ends here');
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
      if (fsize < SMALL || size >= ((fsize >>> sh) + 1) << sh) bucketMove(m, k, f, fsize, f, size);
    } else if (!(nh & USED)) {
      // [ b ][ next free ]: b takes next's place in the list if the bucket stays the same.
      const sh = 31 - clz32(nh) - SL_LOG2;
      if (nh >= SMALL && size < ((nh >>> sh) + 1) << sh) relink(m, k, n, b, H_ROOTS + (sh + SL_LOG2 - SMALL_LOG2 + 1) * ROW + 1 + ((nh >>> sh) ^ SL_COUNT));
      else bucketMove(m, k, n, nh, b, size);
    } else {
      // bucketInsert(m, k, b, size), inline: the most common free.
      let fl = 0;
      let sl = size >>> 3;
      if (size >= SMALL) {
        const t = 31 - clz32(size);
        fl = t - SMALL_LOG2 + 1;
        sl = (size >>> (t - SL_LOG2)) ^ SL_COUNT;
      }
      const row = H_ROOTS + fl * ROW;
      const first = m[row + 1 + sl];
      if (first !== 0) {
        if (m[(first >> 2) + 2] !== k) corrupted(first, BUILD_MESSAGES && `TLSF bucket head ${first} is not a free block`);
        m[(first >> 2) + 2] = b ^ k;
      } else {
        m[row] |= 1 << sl;
        m[H_FL_BITMAP] |= 1 << fl;
      }
      m[w] = first ^ k;
      m[w + 2] = k;
      m[row + 1 + sl] = b;
    }
    m[(f >> 2) + 1] = size;
    m[((f + size) >> 2) - 1] = size;
    m[((f + size) >> 2) + 1] |= PREV_FREE;
    if (keeps) {
      nFrees++;
      nUsed -= own;
    } else {
      m[H_FREES]++;
      m[H_USED_BYTES] -= own;
    }
  }

  /**
   * In place when the block, with its free next block, is large enough: it shrinks (the tail is
   * freed, merged with a free next block) or grows forward. Otherwise the generic path grows it
   * backwards when a free previous block is there, and this function moves it when not.
   */
  function reallocate(ptr: number, size: number): number {
    if (typeof size !== 'number' || (size >>> 0) !== size || size > heap) {
      if (heap < 0) destroyedError();
      checkSize(size, poolSize, 'reallocate');
    }
    if (ptr === 0) return allocate(size);
    // validatePointer(), inline, as in free().
    if (typeof ptr !== 'number') refuse(ptr, 'reallocate');
    const b = ptr - OVERHEAD;
    if (b < start || (ptr >>> 0) !== ptr || (b & 7) !== 0 || b >= end) refuse(ptr, 'reallocate');
    const k = keeps ? salt : m[H_SALT];
    const w = b >> 2;
    const h = m[w + 1];
    const own = h & ~FLAG_MASK;
    if ((h & USED) === 0 || m[w] !== (imul(b ^ k, CHECK_MIX) | 1) || own < MIN_BLOCK || own > end - b) refuse(ptr, 'reallocate');
    if (size > heap) {
      m[H_FAILED]++;
      return 0;
    }
    const need = size < MIN_BLOCK - OVERHEAD ? MIN_BLOCK : (size + OVERHEAD + 7) & ~7;
    if (need === own) return ptr;
    const n = b + own;
    const nh = m[(n >> 2) + 1];
    if (nh & USED ? m[n >> 2] !== (imul(n ^ k, CHECK_MIX) | 1) : (nh & FLAG_MASK) !== 0 || nh < MIN_BLOCK || nh > end - n || m[((n + nh) >> 2) - 1] !== nh) {
      corrupted(n, BUILD_MESSAGES && 'the block after a block does not start where its size says');
    }
    const nsize = nh & USED ? 0 : nh;
    const rest = own + nsize - need;
    if (rest < 0) {
      // Growing backwards into a free previous block is the generic path's; a move is done here:
      // allocate, copy the whole payload (the request is larger), free.
      if (h & PREV_FREE) return reallocateCore(P, b, size, 8);
      const p = allocate(size);
      if (p === 0) return 0;
      m.copyWithin(p >> 2, ptr >> 2, n >> 2);
      free(ptr);
      // A move is neither an allocation nor a free.
      if (keeps) {
        nAllocs--;
        nFrees--;
      } else {
        m[H_ALLOCS]--;
        m[H_FREES]--;
      }
      return p;
    }
    preempt();
    if (rest < MIN_BLOCK) {
      // Less than a block is left: a shrinking block keeps it, a growing one takes the whole next block.
      if (need < own) return ptr;
      if (n + nsize === end) m[H_TOP] = 0;
      else bucketRemove(m, k, n, nsize);
      m[((n + nsize) >> 2) + 1] &= ~PREV_FREE;
      m[w + 1] = (own + nsize) | (h & FLAG_MASK);
    } else {
      // [ b: need ][ t: rest ], t free: the next block moved to t, or a new free block before a used one.
      const t = b + need;
      if (nsize === 0) m[(n >> 2) + 1] = nh | PREV_FREE;
      if (t + rest === end) m[H_TOP] = t;
      else if (nsize === 0) bucketInsert(m, k, t, rest);
      else bucketReplace(m, k, n, nsize, t, rest);
      m[(t >> 2) + 1] = rest;
      m[((t + rest) >> 2) - 1] = rest;
      m[w + 1] = need | (h & FLAG_MASK);
    }
    const bytes = (m[w + 1] & ~FLAG_MASK) - own;
    if (keeps) {
      if ((nUsed += bytes) > nPeak) nPeak = nUsed;
    } else {
      count(0, 0, bytes);
    }
    return ptr;
  }

  /** A pointer free() refuses: validatePointer's error for it, or DESTROYED. */
  function refuse(ptr: unknown, what: string): never {
    if (heap < 0) destroyedError();
    return refusePointer(P, ptr, what);
  }

  function count(allocs: number, frees: number, bytes: number): void {
    if (keeps) {
      nAllocs += allocs;
      nFrees += frees;
      if ((nUsed += bytes) > nPeak) nPeak = nUsed;
    } else {
      m[H_ALLOCS] += allocs;
      m[H_FREES] += frees;
      const used = (m[H_USED_BYTES] += bytes);
      if (used > m[H_PEAK_USED]) m[H_PEAK_USED] = used;
    }
  }

  function stat(word: number): number {
    if (!keeps) return m[word];
    return word === H_ALLOCS ? nAllocs : word === H_FREES ? nFrees : word === H_USED_BYTES ? nUsed : word === H_PEAK_USED ? nPeak : m[word];
  }

  function flush(): void {
    if (keeps) {
      m[H_ALLOCS] = nAllocs;
      m[H_FREES] = nFrees;
      m[H_USED_BYTES] = nUsed;
      m[H_PEAK_USED] = nPeak;
    }
  }

  function reload(): void {
    salt = m[H_SALT];
    nAllocs = m[H_ALLOCS];
    nFrees = m[H_FREES];
    nUsed = m[H_USED_BYTES];
    nPeak = m[H_PEAK_USED];
  }

  function destroy(): void {
    start = Infinity;
    heap = -1;
  }

  reload();
  return { allocate, free, reallocate, count, stat, flush, reload, destroy };
}
