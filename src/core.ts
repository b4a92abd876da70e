/**
 * The allocator core: split, coalesce, resize. It knows the block layout (pool.ts) and asks the
 * strategy's free structure only to find, insert, remove and replace free blocks. No argument checks
 * and no locking here: allocator.ts validates and wraps each call in the lock.
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
import { BUILD_DEBUG } from './build.js';
import { preempt } from './preempt.js';
import {
  CANARY_BYTE, FLAG_MASK, H_ALLOCS, H_FAILED, H_FREES, H_HEAP_END, H_HEAP_START, H_PEAK_USED, H_USED_BLOCKS,
  H_USED_BYTES, MIN_BLOCK, OVERHEAD, POISON_BYTE, PREV_FREE, USED, blockSizeOf, checkWord, type Pool,
} from './pool.js';

/** Debug blocks add 8 bytes: canary bytes after the request, and the requested size in the last word. */
export function blockNeed(P: Pool, size: number): number {
  const need = (size + OVERHEAD + (BUILD_DEBUG !== 0 && P.debug ? 8 : 0) + 7) & ~7;
  return need < MIN_BLOCK ? MIN_BLOCK : need;
}

/** Bytes the caller may use in a used block. */
export function usableBytes(P: Pool, b: number): number {
  const size = blockSizeOf(P.m, b);
  return BUILD_DEBUG !== 0 && P.debug ? P.m[((b + size) >> 2) - 1] : size - OVERHEAD;
}

/** Takes a free block of at least `need` bytes off the structure and marks it used; 0 if none. */
function take(P: Pool, need: number): number {
  const m = P.m;
  if (need > m[H_HEAP_END] - m[H_HEAP_START]) return 0;
  const b = P.s.find(m, need);
  if (b === 0) return 0;
  preempt();
  const size = m[(b >> 2) + 1];
  const rest = size - need;
  if (rest >= MIN_BLOCK) {
    const r = b + need;
    P.s.replace(m, b, size, r, rest);
    m[(r >> 2) + 1] = rest;
    m[((r + rest) >> 2) - 1] = rest;
    m[(b >> 2) + 1] = need | USED;
  } else {
    P.s.remove(m, b, size);
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
  let size = h & ~FLAG_MASK;
  const n = b + size;
  const nh = m[(n >> 2) + 1];
  // Clear USED first: should this header survive inside a merged block, it still reads as freed.
  m[(b >> 2) + 1] = h & ~USED;
  preempt();
  if (h & PREV_FREE) {
    const pb = b - m[(b >> 2) - 1];
    const psize = m[(pb >> 2) + 1];
    if (!(nh & USED)) {
      const nsize = nh & ~FLAG_MASK;
      P.s.remove(m, n, nsize);
      size += nsize;
    }
    P.s.replace(m, pb, psize, pb, psize + size);
    b = pb;
    size += psize;
  } else if (!(nh & USED)) {
    const nsize = nh & ~FLAG_MASK;
    P.s.replace(m, n, nsize, b, size + nsize);
    size += nsize;
  } else {
    P.s.insert(m, b, size);
  }
  m[(b >> 2) + 1] = size;
  m[((b + size) >> 2) - 1] = size;
  m[((b + size) >> 2) + 1] |= PREV_FREE;
  if (BUILD_DEBUG !== 0 && P.debug) P.u8.fill(POISON_BYTE, b + 12, b + size - 4);
}

/**
 * Gives the bytes of used block `b` from `need` on back to the pool, merging them with a free next
 * block; keeps a tail too small to be a block. Returns the new size of `b`.
 */
function trim(P: Pool, b: number, need: number): number {
  const m = P.m;
  const h = m[(b >> 2) + 1];
  const size = h & ~FLAG_MASK;
  const n = b + size;
  const nh = m[(n >> 2) + 1];
  const t = b + need;
  let rest = size - need;
  if (rest === 0) return size;
  if (!(nh & USED)) {
    const nsize = nh & ~FLAG_MASK;
    P.s.replace(m, n, nsize, t, rest + nsize);
    rest += nsize;
  } else if (rest >= MIN_BLOCK) {
    P.s.insert(m, t, rest);
    m[(n >> 2) + 1] = nh | PREV_FREE;
  } else {
    return size;
  }
  m[(t >> 2) + 1] = rest;
  m[((t + rest) >> 2) - 1] = rest;
  m[(b >> 2) + 1] = need | (h & FLAG_MASK);
  if (BUILD_DEBUG !== 0 && P.debug) P.u8.fill(POISON_BYTE, t + 12, t + rest - 4);
  return need;
}

function account(m: Int32Array, bytes: number, blocks: number): void {
  const used = (m[H_USED_BYTES] += bytes);
  m[H_USED_BLOCKS] += blocks;
  if (used > m[H_PEAK_USED]) m[H_PEAK_USED] = used;
}

/** Writes the debug canary and requested size after `size` bytes of payload. */
function seal(P: Pool, b: number, size: number): void {
  if (BUILD_DEBUG !== 0 && P.debug) {
    const end = b + blockSizeOf(P.m, b);
    P.u8.fill(CANARY_BYTE, b + OVERHEAD + size, end - 4);
    P.m[(end >> 2) - 1] = size;
  }
}

/** Returns a pointer (payload offset) to at least `size` bytes aligned to `align` (a power of two >= 8), or 0. */
export function allocateCore(P: Pool, size: number, align: number): number {
  const m = P.m;
  const need = blockNeed(P, size);
  let b: number;
  if (align <= 8) {
    b = take(P, need);
  } else {
    // Over-allocate, then give back a leading free block (at least MIN_BLOCK) and the tail.
    b = take(P, need + align + MIN_BLOCK);
    if (b !== 0) {
      let lead = ((b + OVERHEAD + align - 1) & -align) - OVERHEAD - b;
      if (lead !== 0 && lead < MIN_BLOCK) lead += align;
      if (lead !== 0) {
        const size0 = blockSizeOf(m, b);
        m[(b >> 2) + 1] = lead | USED;
        b += lead;
        m[(b >> 2) + 1] = (size0 - lead) | USED;
        m[b >> 2] = checkWord(m, b);
        release(P, b - lead);
      }
      trim(P, b, need);
    }
  }
  if (b === 0) {
    m[H_FAILED]++;
    return 0;
  }
  m[H_ALLOCS]++;
  account(m, blockSizeOf(m, b), 1);
  seal(P, b, size);
  return b + OVERHEAD;
}

export function freeCore(P: Pool, b: number): void {
  const m = P.m;
  m[H_FREES]++;
  account(m, -blockSizeOf(m, b), -1);
  release(P, b);
}

/**
 * Resizes in place when the block and its free neighbours allow (growing backwards moves the payload
 * down with copyWithin), otherwise moves: allocate, copy, free. Returns the new pointer, or 0 with the
 * old block untouched.
 *
 *   grow forward:   [ this ][ next free ]             =>  [ ---- this ---- ][ rest ]
 *   grow backward:  [ prev free ][ this ][ next free? ] =>  [ ---- this (moved down) ---- ][ rest ]
 */
export function reallocateCore(P: Pool, b: number, size: number): number {
  const m = P.m;
  const need = blockNeed(P, size);
  const h = m[(b >> 2) + 1];
  const old = h & ~FLAG_MASK;
  if (need <= old) {
    account(m, trim(P, b, need) - old, 0);
    seal(P, b, size);
    return b + OVERHEAD;
  }
  const n = b + old;
  const nh = m[(n >> 2) + 1];
  const nsize = nh & USED ? 0 : nh & ~FLAG_MASK;
  if (old + nsize >= need) {
    const rest = old + nsize - need;
    if (rest >= MIN_BLOCK) {
      const t = b + need;
      P.s.replace(m, n, nsize, t, rest);
      m[(t >> 2) + 1] = rest;
      m[((t + rest) >> 2) - 1] = rest;
      m[(b >> 2) + 1] = need | (h & FLAG_MASK);
      if (BUILD_DEBUG !== 0 && P.debug) P.u8.fill(POISON_BYTE, t + 12, t + rest - 4);
    } else {
      P.s.remove(m, n, nsize);
      m[((n + nsize) >> 2) + 1] &= ~PREV_FREE;
      m[(b >> 2) + 1] = (old + nsize) | (h & FLAG_MASK);
    }
    account(m, blockSizeOf(m, b) - old, 0);
    seal(P, b, size);
    return b + OVERHEAD;
  }
  const keep = usableBytes(P, b);
  if (h & PREV_FREE) {
    const pb = b - m[(b >> 2) - 1];
    const psize = m[(pb >> 2) + 1];
    if (psize + old + nsize >= need) {
      P.s.remove(m, pb, psize);
      if (nsize !== 0) {
        P.s.remove(m, n, nsize);
        m[((n + nsize) >> 2) + 1] &= ~PREV_FREE;
      }
      m[(b >> 2) + 1] = h & ~USED; // the old header may survive inside the moved payload: mark it dead
      m[(pb >> 2) + 1] = (psize + old + nsize) | USED;
      m[pb >> 2] = checkWord(m, pb);
      P.u8.copyWithin(pb + OVERHEAD, b + OVERHEAD, b + OVERHEAD + keep);
      account(m, trim(P, pb, need) - old, 0);
      seal(P, pb, size);
      return pb + OVERHEAD;
    }
  }
  const p = allocateCore(P, size, 8);
  if (p === 0) return 0;
  P.u8.copyWithin(p, b + OVERHEAD, b + OVERHEAD + Math.min(keep, size));
  m[H_ALLOCS]--;
  freeCore(P, b);
  m[H_FREES]--;
  return p;
}
