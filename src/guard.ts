/**
 * The O(1) checks every operation makes on what it reads from the pool before acting on it. User code
 * holds views over the pool, so any word may be garbage; a word that fails a check is reported as
 * HEAP_CORRUPTED naming the block, never followed (no hang, no result outside the heap, no write
 * through a bad link).
 */
import { BUILD_MESSAGES } from './build.js';
import { AllocatorError } from './errors.js';
import { FLAG_MASK, H_SALT, MIN_BLOCK, USED, checkWordOf, type Pool } from './pool.js';

export function corrupted(b: number, why: string | false): never {
  throw new AllocatorError('HEAP_CORRUPTED', BUILD_MESSAGES && `block at ${b}: ${why}`, b);
}

/**
 * Free block `b` of `size` bytes (its size word) is sound and at least `min` bytes: 8-aligned, inside the
 * heap [start, end), and its footer agrees. Written as what must hold, so that an undefined (a read
 * past the pool) fails every test. @inline
 */
export function isFreeBlock(m: Int32Array, b: number, size: number, min: number, start: number, end: number): boolean {
  return b >= start && ((b | size) & 7) === 0 && size >= min && size <= end - b && m[((b + size) >> 2) - 1] === size;
}

/**
 * Header `nh` of block `n`, which follows a block the caller owns, is sound: a used block (or the end
 * sentinel) with its check word, or a free block whose footer agrees. So a size word that was changed
 * cannot make a block reach into the middle of the next one. @inline
 */
export function isSoundNext(m: Int32Array, k: number, n: number, nh: number, end: number): boolean {
  return nh & USED ? m[n >> 2] === checkWordOf(n, k) : (nh & FLAG_MASK) === 0 && nh >= MIN_BLOCK && nh <= end - n && m[((n + nh) >> 2) - 1] === nh;
}

/**
 * Free block `f` of `fsize` bytes (named by the footer in front of used block `b`) ends exactly at `b`
 * and is a block: the footer is the word it was found by, so this is all that is left to check. @inline
 */
export function isPrevFree(f: number, fsize: number, b: number, start: number): boolean {
  return fsize === b - f && f >= start && (f & 7) === 0 && fsize >= MIN_BLOCK;
}

/**
 * Pointer `ptr` names a used block: block `b` (ptr - OVERHEAD for a number, else -1), with header word
 * `h` and size `own` (read before this test; a read outside the pool gives undefined, which fails it),
 * is 8-aligned in the heap [start, end), USED, with the check word of salt `k`, and a size that keeps it
 * in the heap. `(ptr >>> 0) === ptr`: an integer, not negative; it runs after `b >= start`, which a
 * Symbol or a BigInt (b = -1) fails first. validatePointer says which test failed. @inline
 */
export function isUsedBlock(m: Int32Array, k: number, ptr: unknown, b: number, h: number, own: number, start: number, end: number): boolean {
  return b >= start && ((ptr as number) >>> 0) === ptr && (b & 7) === 0 && b < end && (h & USED) !== 0 && m[b >> 2] === checkWordOf(b, k) && own >= MIN_BLOCK && own <= end - b;
}

/** The size of the free block at `b`, checked by isFreeBlock; HEAP_CORRUPTED otherwise. */
export function freeSizeAt(P: Pool, b: number): number {
  const m = P.m;
  const size = m[(b >> 2) + 1];
  if (!isFreeBlock(m, b, size, MIN_BLOCK, P.start, P.end)) corrupted(b, BUILD_MESSAGES && `not a free block (size word ${size})`);
  return size;
}

/** The header word of block `n`, which follows a block the caller owns, checked by isSoundNext. */
export function nextHeader(P: Pool, n: number): number {
  const m = P.m;
  const nh = m[(n >> 2) + 1];
  if (!isSoundNext(m, m[H_SALT], n, nh, P.end)) corrupted(n, BUILD_MESSAGES && 'the block after a block does not start where its size says');
  return nh;
}

/**
 * The free block before used block `b` (its PREV_FREE flag is set): the footer in front of `b` names
 * it, and its header must agree and end exactly at `b`. Returns its offset.
 */
export function prevFree(P: Pool, b: number): number {
  const m = P.m;
  const f = b - m[(b >> 2) - 1];
  const fsize = m[(f >> 2) + 1];
  if (!isPrevFree(f, fsize, b, P.start)) corrupted(b, BUILD_MESSAGES && 'PREV_FREE is set, but no free block ends here');
  return f;
}

/** A link read from a free block (decoded) or a root: 0, or an 8-aligned offset inside the heap. */
export function badLink(P: Pool, x: number): boolean {
  return x !== 0 && ((x & 7) !== 0 || x < P.start || x >= P.end);
}
