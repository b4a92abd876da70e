/**
 * The allocator core: split, coalesce, resize. It knows the block layout (pool.ts) and asks the
 * strategy's free structure only to find, insert, remove and replace free blocks. No argument checks
 * and no locking here: allocator.ts validates and wraps each call in the lock. Every word read from
 * the pool is checked before it is acted on (guard.ts): the block a call takes or frees and its
 * neighbours before the call's first write, the links inside the free structure as it unlinks them.
 * Damage is reported (HEAP_CORRUPTED), never acted on. Release TLSF pools with no lock take
 * tlsf-allocator.ts, which makes the same checks (the @inline ones of guard.ts).
 *
 * Freeing merges with both neighbours at once (boundary tags):
 *
 *   [ prev free ][ this ][ next free ]  =>  [ --------- prev --------- ]   replace(prev), remove(next)
 *   [ prev free ][ this ][ next used ]  =>  [ ----- prev ----- ][ next ]   replace(prev)
 *   [ prev used ][ this ][ next free ]  =>  [ prev ][ ---- this ----- ]   replace(next -> this)
 *   [ prev used ][ this ][ next used ]  =>  [ prev ][ this ][ next ]      insert(this)
 *
 * Sizes here are block sizes (header included); `need` is a request converted by blockNeed().
 */
import { BUILD_DEBUG, BUILD_MESSAGES, BUILD_STRATEGY } from './build.js';
import { corrupted, freeSizeAt, nextHeader, prevFree } from './guard.js';
import { poison, poisonProblem, seal } from './poison.js';
import { preempt } from './preempt.js';
import {
  FLAG_MASK, H_ALLOCS, H_FAILED, H_FREES, H_PEAK_USED, H_USED_BYTES, MIN_BLOCK, OVERHEAD, PREV_FREE,
  USED, blockFor, blockSizeOf, checkWord, markFree, type Pool,
} from './pool.js';

/** The block a request takes in this pool (pool.ts blockFor). */
export function blockNeed(P: Pool, size: number): number {
  return blockFor(size, BUILD_DEBUG !== 0 && P.debug);
}

/** Bytes the caller may use in a used block. */
export function usableBytes(P: Pool, b: number): number {
  const size = blockSizeOf(P.m, b);
  return BUILD_DEBUG !== 0 && P.debug ? P.m[((b + size) >> 2) - 1] : size - OVERHEAD;
}

/** Debug pools: free bytes [from, to) of block `b` about to be handed out must still be poison. */
function checkPoison(P: Pool, b: number, from: number, to: number): void {
  const i = poisonProblem(P, from, to);
  if (i >= 0) corrupted(b, BUILD_MESSAGES && `freed memory written at ${i} (use after free)`);
}

/**
 * Debug pools: a free block's header was just written at `r`, inside poisoned free memory. A tombstone
 * at r+8 lost its check word to the prev link: poison its other half, so it reads as poison again.
 */
function repoison(P: Pool, r: number, size: number): void {
  if (size > MIN_BLOCK) poison(P, r + 12, r + 16);
}

/** Takes a free block of at least `need` bytes off the structure and marks it used; 0 if none. */
function take(P: Pool, need: number): number {
  const m = P.m;
  if (need > P.end - P.start) return 0;
  const b = P.s.find(P, need);
  if (b === 0) return 0;
  const size = freeSizeAt(P, b);
  if (size < need) corrupted(b, BUILD_MESSAGES && `the free structure offers ${size} bytes for a ${need}-byte block`);
  preempt();
  const rest = size - need;
  if (rest >= MIN_BLOCK && (BUILD_STRATEGY === '' || BUILD_STRATEGY === 'tlsf') && P.s.highEnd !== undefined && P.s.highEnd(P, b, size, need)) {
    // [ b: rest, stays free ][ u: need ]: the free block keeps its start, the next block loses PREV_FREE.
    const u = b + rest;
    if (BUILD_DEBUG !== 0 && P.debug) checkPoison(P, b, u, b + size - 4);
    P.s.replace(P, b, size, b, rest);
    markFree(m, b, rest);
    // Debug pools: the footer may have taken the size word of a tombstone at u-8: poison its check word.
    if (BUILD_DEBUG !== 0 && P.debug && rest > MIN_BLOCK) poison(P, u - 8, u - 4);
    m[((b + size) >> 2) + 1] &= ~PREV_FREE;
    m[(u >> 2) + 1] = need | USED | PREV_FREE;
    m[u >> 2] = checkWord(m, u);
    return u;
  }
  if (BUILD_DEBUG !== 0 && P.debug) checkPoison(P, b, b + 12, rest >= MIN_BLOCK ? b + need : b + size - 4);
  if (rest >= MIN_BLOCK) {
    const r = b + need;
    P.s.replace(P, b, size, r, rest);
    markFree(m, r, rest);
    m[(b >> 2) + 1] = need | USED;
    if (BUILD_DEBUG !== 0 && P.debug) repoison(P, r, rest);
  } else {
    P.s.remove(P, b, size);
    m[((b + size) >> 2) + 1] &= ~PREV_FREE;
    m[(b >> 2) + 1] = size | USED;
  }
  m[b >> 2] = checkWord(m, b);
  return b;
}

/** Returns used block `b` to the free structure, merging it with free neighbours. */
function release(P: Pool, b: number): void {
  const m = P.m;
  const h = m[(b >> 2) + 1];
  const own = h & ~FLAG_MASK;
  const n = b + own;
  const nh = nextHeader(P, n);
  const pb = h & PREV_FREE ? prevFree(P, b) : b;
  // Clear USED first: should this header survive inside a merged block, it reads as freed (a tombstone).
  m[(b >> 2) + 1] = h & ~USED;
  preempt();
  let size = own;
  if (pb !== b) {
    if (!(nh & USED)) {
      P.s.remove(P, n, nh);
      size += nh;
    }
    size += b - pb;
    P.s.replace(P, pb, b - pb, pb, size);
  } else if (!(nh & USED)) {
    P.s.replace(P, n, nh, b, own + nh);
    size += nh;
  } else {
    P.s.insert(P, b, size);
  }
  markFree(m, pb, size);
  m[((pb + size) >> 2) + 1] |= PREV_FREE;
  if (BUILD_DEBUG !== 0 && P.debug) {
    // Poison what this call freed: the old footer of prev (b keeps its tombstone), or b's header
    // tail; b's payload; the header of a merged next block.
    const to = nh & USED ? n - 4 : n + 12;
    if (pb !== b) {
      poison(P, b - 4, b);
      poison(P, b + 8, to);
    } else {
      poison(P, b + 12, to);
    }
  }
}

/**
 * Gives the bytes of used block `b` from `need` on back to the pool, merging them with a free next
 * block (whose header `nh` the caller has checked); keeps a tail too small to be a block. Returns
 * the new size of `b`.
 */
function trim(P: Pool, b: number, need: number, nh: number): number {
  const m = P.m;
  const h = m[(b >> 2) + 1];
  const size = h & ~FLAG_MASK;
  const n = b + size;
  const t = b + need;
  let rest = size - need;
  if (rest === 0) return size;
  if (!(nh & USED)) {
    P.s.replace(P, n, nh, t, rest + nh);
    rest += nh;
  } else if (rest >= MIN_BLOCK) {
    P.s.insert(P, t, rest);
    m[(n >> 2) + 1] = nh | PREV_FREE;
  } else {
    return size;
  }
  markFree(m, t, rest);
  m[(b >> 2) + 1] = need | (h & FLAG_MASK);
  if (BUILD_DEBUG !== 0 && P.debug) poison(P, t + 12, nh & USED ? n - 4 : n + 12);
  return need;
}

/**
 * The statistics change: allocations, frees, used bytes (the peak follows; the used block count is
 * derived: allocations minus frees).
 */
function count(P: Pool, allocs: number, frees: number, bytes: number): void {
  const m = P.m;
  m[H_ALLOCS] += allocs;
  m[H_FREES] += frees;
  const used = (m[H_USED_BYTES] += bytes);
  if (used > m[H_PEAK_USED]) m[H_PEAK_USED] = used;
}

/** The last check before a pointer leaves the allocator: inside the heap, aligned, a used block. */
function result(P: Pool, b: number, size: number): number {
  if ((b & 7) !== 0 || b < P.start || b + OVERHEAD + size > P.end) corrupted(b, BUILD_MESSAGES && 'a result outside the heap');
  if (BUILD_DEBUG !== 0 && P.debug) seal(P, b, size);
  return b + OVERHEAD;
}

/**
 * Block `b`, just taken for `need + align + MIN_BLOCK` bytes, gives back a leading free block so that
 * its payload is aligned to `align`, and the bytes past `need`. Returns the aligned block. TLSF pools
 * (tlsf-allocator.ts) call it too.
 */
export function alignBlock(P: Pool, b: number, need: number, align: number): number {
  const m = P.m;
  let lead = ((b + OVERHEAD + align - 1) & -align) - OVERHEAD - b;
  if (lead !== 0 && lead < MIN_BLOCK) lead += align;
  if (lead !== 0) {
    const size0 = blockSizeOf(m, b);
    m[(b >> 2) + 1] = lead | (m[(b >> 2) + 1] & FLAG_MASK);
    b += lead;
    m[(b >> 2) + 1] = (size0 - lead) | USED;
    m[b >> 2] = checkWord(m, b);
    release(P, b - lead);
  }
  trim(P, b, need, nextHeader(P, b + blockSizeOf(m, b)));
  return b;
}

/** Returns a pointer (payload offset) to at least `size` bytes aligned to `align` (a power of two >= 8), or 0. */
export function allocateCore(P: Pool, size: number, align: number): number {
  const m = P.m;
  let b = 0;
  // Larger than the heap: fails here, before blockNeed's 32-bit arithmetic could wrap.
  if (size <= P.end - P.start) {
    const need = blockNeed(P, size);
    if (align <= 8) {
      b = take(P, need);
    } else {
      // Over-allocate, then give back a leading free block (at least MIN_BLOCK) and the tail.
      b = take(P, need + align + MIN_BLOCK);
      if (b !== 0) b = alignBlock(P, b, need, align);
    }
  }
  if (b === 0) {
    m[H_FAILED]++;
    return 0;
  }
  const bytes = m[(b >> 2) + 1] & ~FLAG_MASK;
  // count(P, 1, 0, bytes), inline: the allocate path of the list strategies.
  m[H_ALLOCS]++;
  const used = (m[H_USED_BYTES] += bytes);
  if (used > m[H_PEAK_USED]) m[H_PEAK_USED] = used;
  // result(), inlined on the allocate path: the block must lie inside the heap.
  if ((b & 7) !== 0 || b < P.start || b + bytes > P.end || (BUILD_DEBUG !== 0 && P.debug)) return result(P, b, size);
  return b + OVERHEAD;
}

export function freeCore(P: Pool, b: number): void {
  const m = P.m;
  const size = blockSizeOf(m, b);
  release(P, b);
  m[H_FREES]++;
  m[H_USED_BYTES] -= size;
}

/**
 * Copies `bytes` of payload between 8-aligned offsets (the ranges may overlap), by 32-bit words: XS
 * meters a typed-array copy per element. Rounding up to a word stays inside both payloads, which are
 * whole multiples of 8 bytes, except in debug blocks, whose canary bytes follow the request.
 */
function copyPayload(P: Pool, to: number, from: number, bytes: number): void {
  if (BUILD_DEBUG !== 0 && P.debug && (bytes & 3) !== 0) P.u8.copyWithin(to, from, from + bytes);
  else P.m.copyWithin(to >> 2, from >> 2, (from + bytes + 3) >> 2);
}

/**
 * Resizes in place when the block and its free neighbours allow (growing backwards moves the payload
 * down with copyWithin, when the new place keeps `align`), otherwise moves: allocate, copy, free.
 * Returns the new pointer, or 0 with the old block untouched.
 *
 *   grow forward:   [ this ][ next free ]             =>  [ ---- this ---- ][ rest ]
 *   grow backward:  [ prev free ][ this ][ next free? ] =>  [ ---- this (moved down) ---- ][ rest ]
 */
export function reallocateCore(P: Pool, b: number, size: number, align: number): number {
  const m = P.m;
  if (size > P.end - P.start) {
    m[H_FAILED]++;
    return 0;
  }
  const need = blockNeed(P, size);
  const h = m[(b >> 2) + 1];
  const old = h & ~FLAG_MASK;
  const n = b + old;
  const nh = nextHeader(P, n);
  if (need <= old) {
    count(P, 0, 0, trim(P, b, need, nh) - old);
    return result(P, b, size);
  }
  const nsize = nh & USED ? 0 : nh;
  if (old + nsize >= need) {
    const rest = old + nsize - need;
    if (BUILD_DEBUG !== 0 && P.debug) checkPoison(P, n, n + 12, rest >= MIN_BLOCK ? b + need : n + nsize - 4);
    if (rest >= MIN_BLOCK) {
      const t = b + need;
      P.s.replace(P, n, nsize, t, rest);
      markFree(m, t, rest);
      m[(b >> 2) + 1] = need | (h & FLAG_MASK);
      if (BUILD_DEBUG !== 0 && P.debug) repoison(P, t, rest);
    } else {
      P.s.remove(P, n, nsize);
      m[((n + nsize) >> 2) + 1] &= ~PREV_FREE;
      m[(b >> 2) + 1] = (old + nsize) | (h & FLAG_MASK);
    }
    count(P, 0, 0, blockSizeOf(m, b) - old);
    return result(P, b, size);
  }
  if (h & PREV_FREE) {
    const pb = growBack(P, b, need, align);
    if (pb !== 0) {
      count(P, 0, 0, blockSizeOf(m, pb) - old);
      return result(P, pb, size);
    }
  }
  const keep = usableBytes(P, b);
  const p = allocateCore(P, size, align);
  if (p === 0) return 0;
  copyPayload(P, p, b + OVERHEAD, Math.min(keep, size));
  freeCore(P, b);
  // A move is neither an allocation nor a free.
  count(P, -1, -1, 0);
  return p;
}

/**
 * Used block `b`, whose previous block is free, grows backwards into it (and into a free next block)
 * when together they hold `need` bytes and the new place keeps `align`: the payload moves down, the
 * bytes past `need` go back to the pool. Returns the new block, or 0 with nothing changed. TLSF pools
 * (tlsf-allocator.ts) call it too.
 */
export function growBack(P: Pool, b: number, need: number, align: number): number {
  const m = P.m;
  const h = m[(b >> 2) + 1];
  const old = h & ~FLAG_MASK;
  const n = b + old;
  const nh = nextHeader(P, n);
  const nsize = nh & USED ? 0 : nh;
  const pb = prevFree(P, b);
  const psize = b - pb;
  if (psize + old + nsize < need || ((pb + OVERHEAD) & (align - 1)) !== 0) return 0;
  if (BUILD_DEBUG !== 0 && P.debug) {
    checkPoison(P, pb, pb + 12, b - 4);
    if (nsize !== 0) checkPoison(P, n, n + 12, n + nsize - 4);
  }
  const keep = usableBytes(P, b);
  P.s.remove(P, pb, psize);
  if (nsize !== 0) {
    P.s.remove(P, n, nsize);
    m[((n + nsize) >> 2) + 1] &= ~PREV_FREE;
  }
  m[(b >> 2) + 1] = h & ~USED; // the old header may survive inside the moved payload: mark it dead
  m[(pb >> 2) + 1] = (psize + old + nsize) | USED;
  m[pb >> 2] = checkWord(m, pb);
  copyPayload(P, pb + OVERHEAD, b + OVERHEAD, keep);
  trim(P, pb, need, nextHeader(P, pb + psize + old + nsize));
  return pb;
}
