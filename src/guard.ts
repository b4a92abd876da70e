/**
 * The O(1) checks every operation makes on what it reads from the pool before acting on it. User code
 * holds views over the pool, so any word may be garbage; a word that fails a check is reported as
 * HEAP_CORRUPTED naming the block, never followed (no hang, no result outside the heap, no write
 * through a bad link).
 */
import { BUILD_MESSAGES } from './build.js';
import { AllocatorError } from './errors.js';
import { CHECK_MIX, H_SALT, MIN_BLOCK, USED, type Pool } from './pool.js';

export function corrupted(b: number, why: string | false): never {
  throw new AllocatorError('HEAP_CORRUPTED', BUILD_MESSAGES && `block at ${b}: ${why}`, b);
}

/**
 * The size of the free block at `b`: 8-aligned, inside the heap, a size word with no flags that keeps
 * the block inside the heap, and a footer that agrees with it. HEAP_CORRUPTED otherwise.
 */
export function freeSizeAt(P: Pool, b: number): number {
  const m = P.m;
  const size = m[(b >> 2) + 1];
  // Written as what must hold, so that an undefined (a read past the pool) fails every test.
  if (!(b >= P.start && (b & 7) === 0 && (size & 7) === 0 && size >= MIN_BLOCK && size <= P.end - b && m[((b + size) >> 2) - 1] === size)) {
    corrupted(b, BUILD_MESSAGES && `not a free block (size word ${size})`);
  }
  return size;
}

/**
 * The header word of block `n`, which follows a block the caller owns: a used block (or the end
 * sentinel) with its check word, or a free block that passes freeSizeAt. So a size word that was
 * changed cannot make a block reach into the middle of the next one.
 */
export function nextHeader(P: Pool, n: number): number {
  const m = P.m;
  const nh = m[(n >> 2) + 1];
  // Inlined: checkWord(m, n) for a used block, freeSizeAt(P, n) for a free one (this runs on every free).
  if (nh & USED ? m[n >> 2] !== (Math.imul(n ^ m[H_SALT], CHECK_MIX) | 1) : (nh & 7) !== 0 || nh < MIN_BLOCK || nh > P.end - n || m[((n + nh) >> 2) - 1] !== nh) {
    corrupted(n, BUILD_MESSAGES && 'the block after a block does not start where its size says');
  }
  return nh;
}

/**
 * The free block before used block `b` (its PREV_FREE flag is set): the footer in front of `b` names
 * it, and its header must agree and end exactly at `b`. Returns its offset.
 */
export function prevFree(P: Pool, b: number): number {
  const pb = b - P.m[(b >> 2) - 1];
  if (pb + freeSizeAt(P, pb) !== b) corrupted(b, BUILD_MESSAGES && 'PREV_FREE is set, but no free block ends here');
  return pb;
}

/** A link read from a free block (decoded) or a root: 0, or an 8-aligned offset inside the heap. */
export function badLink(P: Pool, x: number): boolean {
  return x !== 0 && ((x & 7) !== 0 || x < P.start || x >= P.end);
}
