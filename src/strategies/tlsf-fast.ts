/**
 * The fast path: allocate and free of a release TLSF pool (the device default), one function each,
 * statistics included. XS is an interpreter whose meter counts about one unit per byte code (a call
 * 20-35, a typed-array access 6-10), so everything the common cases need is written out here once: the
 * search, the checks of guard.ts, the split or merge, relinking in place, the top. Only a block that
 * changes bucket costs a call (bucketInsert, bucketRemove). The checks are those of the generic path
 * (core.ts), which list strategies, debug pools, aligned requests and reallocate use:
 *
 *   allocate: the block found is 8-aligned, inside the heap, sized >= the need with a matching footer;
 *             its bucket neighbours link back to it (safe unlinking) before it leaves the bucket.
 *   free:     the pointer is in range, aligned, USED, with its salted check word; the next block is a
 *             used block with its check word (or the end) or a sound free block; a free previous block
 *             ends exactly here. All before the first write.
 */
import { BUILD_MESSAGES } from '../build.js';
import { refusePointer } from '../diagnostics.js';
import { corrupted } from '../guard.js';
import {
  CHECK_MIX, FLAG_MASK, H_ALLOCS, H_FAILED, H_FL_BITMAP, H_FREES, H_PEAK_USED, H_ROOTS, H_SALT, H_TOP, H_USED_BYTES, MIN_BLOCK,
  OVERHEAD, PREV_FREE, USED, type Pool,
} from '../pool.js';
import { preempt } from '../preempt.js';
import { FALLBACK_SCAN, ROW, SL_COUNT, SL_LOG2, SMALL, SMALL_LOG2, bucketInsert, bucketRemove, bucketReplace, checkLinks, relink } from './tlsf.js';

/** allocate(size) with the default alignment: a pointer, or 0 (counted as failed). `size` is a checked integer. */
export function tlsfAllocate(P: Pool, size: number): number {
  const m = P.m;
  const end = P.end;
  // Larger than the heap: fails here, before the rounding below could wrap.
  if (size > end - P.start) {
    m[H_FAILED]++;
    return 0;
  }
  const need = size < MIN_BLOCK - OVERHEAD ? MIN_BLOCK : (size + OVERHEAD + 7) & ~7;
  const k = m[H_SALT];
  // The request's own class (fl, sl); `row` is its first-level row in the roots.
  let fl = 0;
  let sl = need >>> 3;
  if (need >= SMALL) {
    const t = 31 - Math.clz32(need);
    fl = t - SMALL_LOG2 + 1;
    sl = (need >>> (t - SL_LOG2)) ^ SL_COUNT;
  }
  let row = H_ROOTS + fl * ROW;
  let b = m[row + 1 + sl];
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
  if (b === 0) {
    // From the next class up, every block fits.
    let slMap = m[row] & (-2 << sl);
    if (slMap === 0) {
      const flMap = m[H_FL_BITMAP] & (-2 << fl);
      if (flMap === 0) return fromTop(P, m, k, need);
      fl = 31 - Math.clz32(flMap & -flMap);
      row = H_ROOTS + fl * ROW;
      slMap = m[row];
      if (slMap === 0) corrupted(0, BUILD_MESSAGES && `TLSF first-level bitmap names class ${fl}, which is empty`);
    }
    sl = 31 - Math.clz32(slMap & -slMap);
    b = m[row + 1 + sl];
    if (b === 0) corrupted(0, BUILD_MESSAGES && `TLSF second-level bitmap of class ${fl} names an empty bucket`);
    // The top is the better fit when it lies in a lower class (with no top, this reads the version word).
    const ts = m[(m[H_TOP] >> 2) + 1];
    if (ts >= need && ts < (fl === 0 ? sl << 3 : (SL_COUNT + sl) << (fl + SMALL_LOG2 - SL_LOG2 - 1))) return fromTop(P, m, k, need);
  }
  preempt();
  const w = b >> 2;
  const bsize = m[w + 1];
  // freeSizeAt(), inline: written as what must hold, so that undefined fails every test.
  if (!(b >= P.start && (b & 7) === 0 && (bsize & 7) === 0 && bsize >= need && bsize <= end - b && m[((b + bsize) >> 2) - 1] === bsize)) {
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
    if (rest >= MIN_BLOCK) bucketInsert(m, k, r, rest);
  }
  if (rest >= MIN_BLOCK) {
    m[(r >> 2) + 1] = rest;
    m[((r + rest) >> 2) - 1] = rest;
    m[w + 1] = need | USED;
  } else {
    m[((b + bsize) >> 2) + 1] &= ~PREV_FREE;
    m[w + 1] = bsize | USED;
  }
  m[w] = Math.imul(b ^ k, CHECK_MIX) | 1; // checkWord(m, b)
  m[H_ALLOCS]++;
  const used = (m[H_USED_BYTES] += rest >= MIN_BLOCK ? need : bsize);
  if (used > m[H_PEAK_USED]) m[H_PEAK_USED] = used;
  return b + OVERHEAD;
}

/** No bucket has a fit: the request comes from the top, or fails. */
function fromTop(P: Pool, m: Int32Array, k: number, need: number): number {
  const end = P.end;
  const b = m[H_TOP];
  const size = m[(b >> 2) + 1];
  if (b === 0 || size < need) {
    m[H_FAILED]++;
    return 0;
  }
  // The top must be a sound free block that ends at the heap end.
  if (!(b >= P.start && (b & 7) === 0 && (size & 7) === 0 && b + size === end && m[(end >> 2) - 1] === size)) {
    corrupted(b, BUILD_MESSAGES && `the TLSF top is not a free block that ends the heap (size word ${size})`);
  }
  preempt();
  const rest = size - need;
  let got = size;
  if (rest >= MIN_BLOCK) {
    const r = b + need;
    m[H_TOP] = r;
    m[(r >> 2) + 1] = rest;
    m[(end >> 2) - 1] = rest;
    got = need;
  } else {
    m[H_TOP] = 0;
    m[(end >> 2) + 1] = USED;
  }
  m[(b >> 2) + 1] = got | USED;
  m[b >> 2] = Math.imul(b ^ k, CHECK_MIX) | 1; // checkWord(m, b)
  m[H_ALLOCS]++;
  const used = (m[H_USED_BYTES] += got);
  if (used > m[H_PEAK_USED]) m[H_PEAK_USED] = used;
  return b + OVERHEAD;
}

/** free(ptr), ptr !== 0: anything else than a pointer of this pool throws (validatePointer's errors). */
export function tlsfFree(P: Pool, ptr: number): void {
  const m = P.m;
  const end = P.end;
  // validatePointer(), inline: typeof first (`-` and `>>>` throw on a Symbol or a BigInt), then range,
  // integer, alignment.
  if (typeof ptr !== 'number') refusePointer(P, ptr, 'free');
  const b = ptr - OVERHEAD;
  if (b < P.start || (ptr >>> 0) !== ptr || (b & 7) !== 0 || b >= end) refusePointer(P, ptr, 'free');
  const k = m[H_SALT];
  const w = b >> 2;
  const h = m[w + 1];
  const own = h & ~FLAG_MASK;
  if ((h & USED) === 0 || m[w] !== (Math.imul(b ^ k, CHECK_MIX) | 1) || own < MIN_BLOCK || own > end - b) refusePointer(P, ptr, 'free');
  const n = b + own;
  const nh = m[(n >> 2) + 1];
  // nextHeader() and prevFree() of guard.ts, inline: every check before the first write.
  if (nh & USED ? m[n >> 2] !== (Math.imul(n ^ k, CHECK_MIX) | 1) : (nh & FLAG_MASK) !== 0 || nh < MIN_BLOCK || nh > end - n || m[((n + nh) >> 2) - 1] !== nh) {
    corrupted(n, BUILD_MESSAGES && 'the block after a block does not start where its size says');
  }
  let f = b;
  let fsize = 0;
  if (h & PREV_FREE) {
    f = b - m[w - 1];
    fsize = m[(f >> 2) + 1];
    if (!(fsize === b - f && f >= P.start && (f & 7) === 0 && fsize >= MIN_BLOCK)) corrupted(b, BUILD_MESSAGES && 'PREV_FREE is set, but no free block ends here');
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
    const sh = 31 - Math.clz32(fsize) - SL_LOG2;
    if (fsize < SMALL || size >= ((fsize >>> sh) + 1) << sh) {
      bucketRemove(m, k, f, fsize);
      bucketInsert(m, k, f, size);
    }
  } else if (!(nh & USED)) {
    // [ b ][ next free ]: b takes next's place in the list if the bucket stays the same.
    const sh = 31 - Math.clz32(nh) - SL_LOG2;
    if (nh >= SMALL && size < ((nh >>> sh) + 1) << sh) {
      relink(m, k, n, b, H_ROOTS + (sh + SL_LOG2 - SMALL_LOG2 + 1) * ROW + 1 + ((nh >>> sh) ^ SL_COUNT));
    } else {
      bucketRemove(m, k, n, nh);
      bucketInsert(m, k, b, size);
    }
  } else {
    bucketInsert(m, k, b, size);
  }
  m[(f >> 2) + 1] = size;
  m[((f + size) >> 2) - 1] = size;
  m[((f + size) >> 2) + 1] |= PREV_FREE;
  m[H_FREES]++;
  m[H_USED_BYTES] -= own;
}

/**
 * reallocate(ptr, size) in place, when the block, with its free next block, is large enough: it
 * shrinks (the tail is freed, merged with a free next block) or grows forward. -1 when it would have
 * to grow backwards or move (the generic path, reallocateCore). `size` is a checked integer.
 */
export function tlsfResize(P: Pool, ptr: number, size: number): number {
  const m = P.m;
  const end = P.end;
  // The checks of tlsfFree(), in the same order.
  if (typeof ptr !== 'number') refusePointer(P, ptr, 'reallocate');
  const b = ptr - OVERHEAD;
  if (b < P.start || (ptr >>> 0) !== ptr || (b & 7) !== 0 || b >= end) refusePointer(P, ptr, 'reallocate');
  const k = m[H_SALT];
  const w = b >> 2;
  const h = m[w + 1];
  const own = h & ~FLAG_MASK;
  if ((h & USED) === 0 || m[w] !== (Math.imul(b ^ k, CHECK_MIX) | 1) || own < MIN_BLOCK || own > end - b) refusePointer(P, ptr, 'reallocate');
  if (size > end - P.start) {
    m[H_FAILED]++;
    return 0;
  }
  const need = size < MIN_BLOCK - OVERHEAD ? MIN_BLOCK : (size + OVERHEAD + 7) & ~7;
  if (need === own) return ptr;
  const n = b + own;
  const nh = m[(n >> 2) + 1];
  if (nh & USED ? m[n >> 2] !== (Math.imul(n ^ k, CHECK_MIX) | 1) : (nh & FLAG_MASK) !== 0 || nh < MIN_BLOCK || nh > end - n || m[((n + nh) >> 2) - 1] !== nh) {
    corrupted(n, BUILD_MESSAGES && 'the block after a block does not start where its size says');
  }
  const nsize = nh & USED ? 0 : nh;
  const rest = own + nsize - need;
  if (rest < 0) return -1;
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
  const used = (m[H_USED_BYTES] += (m[w + 1] & ~FLAG_MASK) - own);
  if (used > m[H_PEAK_USED]) m[H_PEAK_USED] = used;
  return ptr;
}
